#pragma once
// The parts of an SR writer that the reading SR (sr_writer.cpp) and the adjudication SR
// (adjudication_sr.cpp) share: building the content tree, copying the patient and study, and signing with
// dcmsign under the reading signature profile (signature_profile.h).

#include <veridicor/base/expected.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/verify/keys.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrnumvl.h>

#include <string>
#include <vector>

class DcmItem;
class DcmDataset;

namespace veridicor::reading::detail {

/// Adds content items in document order: the first item after opening a container becomes its child, the
/// following ones its siblings.
class TreeBuilder {
public:
    explicit TreeBuilder(DSRDocumentTree& tree) : m_tree(tree) {}

    bool root(const DSRCodedEntryValue& conceptName) {
        if (m_tree.addContentItem(DSRTypes::RT_isRoot, DSRTypes::VT_Container) == 0) {
            return note("the root container could not be added");
        }
        m_open.push_back(true);
        return m_tree.getCurrentContentItem().setConceptName(conceptName).good() || note("root conceptName name");
    }
    DSRContentItem* add(DSRTypes::E_RelationshipType rel, DSRTypes::E_ValueType type,
                        const DSRCodedEntryValue& conceptName) {
        const OFCondition c = m_open.back() ? m_tree.addChildContentItem(rel, type, conceptName)
                                            : m_tree.addContentItem(rel, type, conceptName);
        if (c.bad()) {
            note(std::string("adding \"") + conceptName.getCodeMeaning().c_str() + "\": " + c.text());
            return nullptr;
        }
        m_open.back() = false;
        return &m_tree.getCurrentContentItem();
    }
    bool open(const DSRCodedEntryValue& conceptName) {
        if (add(DSRTypes::RT_contains, DSRTypes::VT_Container, conceptName) == nullptr) {
            return false;
        }
        m_open.push_back(true);
        return true;
    }
    void close() {
        if (!m_open.back()) {
            m_tree.goUp();
        }
        m_open.pop_back();
    }
    bool text(const DSRCodedEntryValue& conceptName, const std::string& value) {
        DSRContentItem* item = add(DSRTypes::RT_contains, DSRTypes::VT_Text, conceptName);
        return item != nullptr && (item->setStringValue(value.c_str()).good() || note("text value"));
    }
    bool code(const DSRCodedEntryValue& conceptName, const DSRCodedEntryValue& value) {
        DSRContentItem* item = add(DSRTypes::RT_contains, DSRTypes::VT_Code, conceptName);
        return item != nullptr && (item->setCodeValue(value).good() || note("code value"));
    }
    /// A CODE item with one CODE concept modifier (HAS CONCEPT MOD) below it; the next item is its sibling.
    bool codeWithModifier(const DSRCodedEntryValue& conceptName, const DSRCodedEntryValue& value,
                          const DSRCodedEntryValue& modifierName, const DSRCodedEntryValue& modifierValue) {
        if (!code(conceptName, value)) {
            return false;
        }
        const OFCondition c =
            m_tree.addChildContentItem(DSRTypes::RT_hasConceptMod, DSRTypes::VT_Code, modifierName);
        if (c.bad()) {
            return note(std::string("adding \"") + modifierName.getCodeMeaning().c_str() + "\": " + c.text());
        }
        const bool set = m_tree.getCurrentContentItem().setCodeValue(modifierValue).good() || note("modifier value");
        m_tree.goUp();
        return set;
    }
    bool num(const DSRCodedEntryValue& conceptName, const std::string& value, const std::string& unit) {
        DSRContentItem* item = add(DSRTypes::RT_contains, DSRTypes::VT_Num, conceptName);
        const DSRNumericMeasurementValue v(value.c_str(), DSRCodedEntryValue(unit.c_str(), "UCUM", unit.c_str()));
        return item != nullptr && (item->setNumericValue(v).good() || note("numeric value " + value));
    }
    [[nodiscard]] const std::string& problem() const { return m_problem; }

private:
    bool note(const std::string& what) {
        if (m_problem.empty()) {
            m_problem = what;
        }
        return false;
    }
    DSRDocumentTree& m_tree;
    std::vector<bool> m_open; // per open container: no child added yet
    std::string m_problem;
};

/// Copies the Patient and General Study attributes of `from` into `to`, converted to UTF-8 (the SR's
/// character set) from `from`'s Specific Character Set. Errors: Invalid (not convertible).
Expected<void, Error> copyPatientAndStudy(DcmItem& from, DcmItem& to);

/// Now, UTC, as "YYYYMMDDHHMMSS".
std::string nowDicom();

/// A signing key and its certificate, checked against our minimum (checkKey), with the names the SR gives
/// its signer (signer_name.h).
struct Signer {
    verify::PrivateKey key;
    verify::Certificate cert;
    std::string observer;
    std::string organization;
};

/// Errors: Invalid (unreadable key or chain, key not the chain's first certificate's, no name), WeakKey.
Expected<Signer, Error> loadSigner(const SignerFiles& files);

/// Signs every attribute of `dataset` with dcmsign (SHA-256, the reading signature profile, Author's
/// Signature). Errors: Invalid (dcmsign cannot load the files), Crypto (dcmsign refused).
Expected<void, Error> sign(DcmDataset& dataset, const SignerFiles& files);

} // namespace veridicor::reading::detail
