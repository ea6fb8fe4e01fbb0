#include "stored_text.h"

#include <veridicor/base/text_bounds.h>
#include <veridicor/verify/finding.h>
#include <veridicor/worklist/severity.h>

#include <array>

namespace veridicor::worklist {

namespace {

// SNOMED CT concepts (coding scheme designator "SCT", as finding bundles carry them; finding-bundle-v1), most
// critical first. The reading room's order is STEMI, high-grade block and long QT before the rest: an acute STEMI
// needs reperfusion within minutes; complete and Mobitz II block can progress to asystole; a prolonged QT precedes
// torsades de pointes. The lethal ventricular rhythms are put with them: ventricular fibrillation is cardiac
// arrest and outranks everything, ventricular tachycardia and torsades rank just below STEMI. Then ST elevation
// not coded as an infarction, atrial arrhythmias and the lower-grade blocks. The concept IDs and their sources are
// listed in worklist/README.md.
constexpr std::array kTable{
    SeverityEntry{"SCT", "71908006", 100, "Ventricular fibrillation"},
    SeverityEntry{"SCT", "401303003", 95, "Acute STEMI"},
    SeverityEntry{"SCT", "703164000", 95, "Acute anterior STEMI"},
    SeverityEntry{"SCT", "703213009", 95, "Acute inferior STEMI"},
    SeverityEntry{"SCT", "25569003", 92, "Ventricular tachycardia"},
    SeverityEntry{"SCT", "31722008", 92, "Torsades de pointes"},
    SeverityEntry{"SCT", "27885002", 90, "Complete AV block"},
    SeverityEntry{"SCT", "28189009", 85, "Mobitz II AV block"},
    SeverityEntry{"SCT", "195042002", 80, "Second-degree AV block"},
    SeverityEntry{"SCT", "111975006", 70, "Prolonged QT"},
    SeverityEntry{"SCT", "164931005", 50, "ST elevation"},
    SeverityEntry{"SCT", "49436004", 40, "Atrial fibrillation"},
    SeverityEntry{"SCT", "5370000", 35, "Atrial flutter"},
    SeverityEntry{"SCT", "54016002", 20, "Mobitz I AV block"},
    SeverityEntry{"SCT", "270492004", 10, "First-degree AV block"},
};

} // namespace

std::span<const SeverityEntry> severityTable() {
    return kTable;
}

Severity severityOf(const verify::CodedConcept& code) {
    for (const SeverityEntry& e : kTable) {
        if (code.scheme == e.scheme && code.value == e.value) {
            return {e.rank, QString::fromUtf8(e.label.data(), static_cast<qsizetype>(e.label.size()))};
        }
    }
    return {kUnlistedFindingRank, storedText(code.meaning, kMaxNameChars)};
}

} // namespace veridicor::worklist
