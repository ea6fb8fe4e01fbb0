#include <veridicor/reading/statement_codes.h>

#include <array>

namespace veridicor::reading {

namespace {

using G = StatementGroup;

// Sources (reading/README.md): ECG codes from the PhysioNet/CinC Challenge 2020 diagnosis mappings
// (physionetchallenges/evaluation-2020, dx_mapping_scored.csv and dx_mapping_unscored.csv); normal / abnormal /
// borderline / equivocal ECG from DICOM PS3.16 CID 3677 Summary Codes ECG and wall motion from CID 3703 (both
// as transcribed in bvdh/dicom-terminology-in-fhir). Infarction by territory from the NLM VSAC value set
// 2.16.840.1.113883.3.526.3.403 "Initial Myocardial Infarction" and the graded LV systolic dysfunction codes from
// 2.16.840.1.113883.3.526.3.1090 "Moderate or Severe LVSD" (both as published in cqframework/ecqm-content-
// qicore-2024); LV function from CID 3119 "LV Function" and CID 3728 "Cath Finding"; the sites from CID 3232 and
// CID 3782-3784. A display name longer than a DICOM Code Meaning may be (LO, 64 characters) is shortened
// ("ST segment elevation" → "ST elevation"), its code unchanged.
constexpr std::array kCodes{
    StatementCode{G::EcgOverall, "164854000", "Normal ECG"},
    StatementCode{G::EcgOverall, "102594003", "Abnormal ECG"},
    StatementCode{G::EcgOverall, "251135002", "Borderline Normal ECG"},
    StatementCode{G::EcgOverall, "370359005", "ECG Equivocal"},
    StatementCode{G::EcgRhythm, "426783006", "Sinus rhythm"},
    StatementCode{G::EcgRhythm, "427084000", "Sinus tachycardia"},
    StatementCode{G::EcgRhythm, "426177001", "Sinus bradycardia"},
    StatementCode{G::EcgRhythm, "427393009", "Sinus arrhythmia"},
    StatementCode{G::EcgRhythm, "164889003", "Atrial fibrillation"},
    StatementCode{G::EcgRhythm, "164890007", "Atrial flutter"},
    StatementCode{G::EcgRhythm, "426761007", "Supraventricular tachycardia"},
    StatementCode{G::EcgRhythm, "164895002", "Ventricular tachycardia"},
    StatementCode{G::EcgRhythm, "164896001", "Ventricular fibrillation"},
    StatementCode{G::EcgRhythm, "284470004", "Premature atrial contraction"},
    StatementCode{G::EcgRhythm, "427172004", "Premature ventricular contractions"},
    StatementCode{G::EcgRhythm, "10370003", "Pacing rhythm"},
    StatementCode{G::EcgConduction, "270492004", "1st degree AV block"},
    StatementCode{G::EcgConduction, "195042002", "2nd degree AV block"},
    StatementCode{G::EcgConduction, "54016002", "Mobitz type I Wenckebach atrioventricular block"},
    StatementCode{G::EcgConduction, "27885002", "Complete heart block"},
    StatementCode{G::EcgConduction, "164909002", "Left bundle branch block"},
    StatementCode{G::EcgConduction, "59118001", "Right bundle branch block"},
    StatementCode{G::EcgConduction, "713427006", "Complete right bundle branch block"},
    StatementCode{G::EcgConduction, "713426002", "Incomplete right bundle branch block"},
    StatementCode{G::EcgConduction, "445118002", "Left anterior fascicular block"},
    StatementCode{G::EcgConduction, "445211001", "Left posterior fascicular block"},
    StatementCode{G::EcgConduction, "698252002", "Nonspecific intraventricular conduction disorder"},
    StatementCode{G::EcgConduction, "164947007", "Prolonged PR interval"},
    StatementCode{G::EcgConduction, "74390002", "Wolff-Parkinson-White pattern"},
    StatementCode{G::EcgAxis, "39732003", "Left axis deviation"},
    StatementCode{G::EcgAxis, "47665007", "Right axis deviation"},
    StatementCode{G::EcgAxis, "251200008", "Indeterminate cardiac axis"},
    StatementCode{G::EcgHypertrophy, "164873001", "Left ventricular hypertrophy"},
    StatementCode{G::EcgHypertrophy, "89792004", "Right ventricular hypertrophy"},
    StatementCode{G::EcgHypertrophy, "67741000119109", "Left atrial enlargement"},
    StatementCode{G::EcgHypertrophy, "446358003", "Right atrial hypertrophy"},
    StatementCode{G::EcgHypertrophy, "251146004", "Low QRS voltages"},
    StatementCode{G::EcgIschaemia, "426434006", "Anterior ischemia"},
    StatementCode{G::EcgIschaemia, "425419005", "Inferior ischaemia"},
    StatementCode{G::EcgIschaemia, "425623009", "Lateral ischaemia"},
    StatementCode{G::EcgIschaemia, "54329005", "Anterior myocardial infarction"},
    StatementCode{G::EcgIschaemia, "57054005", "Acute myocardial infarction"},
    StatementCode{G::EcgIschaemia, "164867002", "Old myocardial infarction"},
    StatementCode{G::EcgIschaemia, "164865005", "Myocardial infarction"},
    StatementCode{G::EcgIschaemia, "164917005", "Q wave abnormal"},
    StatementCode{G::EcgIschaemia, "164861001", "Myocardial ischemia"},
    StatementCode{G::EcgIschaemia, "73795002", "Acute myocardial infarction of inferior wall"},
    StatementCode{G::EcgIschaemia, "58612006", "Acute myocardial infarction of lateral wall"},
    StatementCode{G::EcgIschaemia, "62695002", "Acute anteroseptal myocardial infarction"},
    StatementCode{G::EcgIschaemia, "70211005", "Acute myocardial infarction of anterolateral wall"},
    StatementCode{G::EcgIschaemia, "65547006", "Acute myocardial infarction of inferolateral wall"},
    StatementCode{G::EcgIschaemia, "233838001", "Acute posterior myocardial infarction"},
    StatementCode{G::EcgIschaemia, "703164000", "Acute ST elevation myocardial infarction of anterior wall"},
    StatementCode{G::EcgIschaemia, "703213009", "Acute ST elevation myocardial infarction of inferior wall"},
    StatementCode{G::EcgRepolarisation, "164931005", "ST elevation"},
    StatementCode{G::EcgRepolarisation, "429622005", "ST depression"},
    StatementCode{G::EcgRepolarisation, "704997005", "Inferior ST segment depression"},
    StatementCode{G::EcgRepolarisation, "428750005", "Nonspecific ST-T abnormality"},
    StatementCode{G::EcgRepolarisation, "164934002", "T wave abnormal"},
    StatementCode{G::EcgRepolarisation, "59931005", "T wave inversion"},
    StatementCode{G::EcgRepolarisation, "428417006", "Early repolarization"},
    StatementCode{G::EcgRepolarisation, "111975006", "Prolonged QT interval"},
    StatementCode{G::EcgRepolarisation, "77867006", "Decreased QT interval"},
    StatementCode{G::EchoLvFunction, "371857005", "Normal left ventricular systolic function and wall motion"},
    StatementCode{G::EchoLvFunction, "275514001", "Impaired left ventricular function"},
    StatementCode{G::EchoLvFunction, "371862006", "Depression of left ventricular systolic function"},
    StatementCode{G::EchoLvFunction, "134401001", "Left ventricular systolic dysfunction"},
    StatementCode{G::EchoLvFunction, "981000124106", "Moderate left ventricular systolic dysfunction"},
    StatementCode{G::EchoLvFunction, "991000124109", "Severe left ventricular systolic dysfunction"},
    StatementCode{G::EchoWallMotion, "373122000", "Normal wall motion"},
    StatementCode{G::EchoWallMotion, "373123005", "Hyperkinetic region"},
    StatementCode{G::EchoWallMotion, "37706002", "Hypokinesis"},
    StatementCode{G::EchoWallMotion, "371868005", "Mild Hypokinesis"},
    StatementCode{G::EchoWallMotion, "371869002", "Moderate Hypokinesis"},
    StatementCode{G::EchoWallMotion, "371870001", "Severe Hypokinesis"},
    StatementCode{G::EchoWallMotion, "195675009", "Akinesis"},
    StatementCode{G::EchoWallMotion, "25437005", "Dyskinesis"},
};

constexpr std::array kSites{
    // CID 3232 (v20250401): the walls.
    StatementSite{"1335839000", "Left ventricle anterior segment"},
    StatementSite{"367598003", "Left ventricle inferior segment"},
    StatementSite{"1335824001", "Left ventricle lateral segment"},
    StatementSite{"1335840003", "Left ventricle septal segment"},
    StatementSite{"128564006", "Left ventricle apical segment"},
    // CID 3782: basal ring.
    StatementSite{"264850008", "left ventricle basal anterior segment"},
    StatementSite{"396482007", "left ventricle basal anteroseptal segment"},
    StatementSite{"396646008", "left ventricle basal inferoseptal segment"},
    StatementSite{"264846001", "left ventricle basal inferior segment"},
    StatementSite{"396652009", "left ventricle basal inferolateral segment"},
    StatementSite{"396654005", "left ventricle basal anterolateral segment"},
    // CID 3783: mid ring.
    StatementSite{"264848000", "left ventricle mid anterior segment"},
    StatementSite{"396647004", "left ventricle mid anteroseptal segment"},
    StatementSite{"396649001", "left ventricle mid inferoseptal segment"},
    StatementSite{"264847005", "left ventricle mid inferior segment"},
    StatementSite{"396655006", "left ventricle mid inferolateral segment"},
    StatementSite{"396656007", "left ventricle mid anterolateral segment"},
    // CID 3784: apical ring.
    StatementSite{"264844003", "left ventricle apical anterior segment"},
    StatementSite{"264845002", "left ventricle apical septal segment"},
    StatementSite{"264849008", "left ventricle apical inferior segment"},
    StatementSite{"264853005", "left ventricle apical lateral segment"},
};

} // namespace

std::string_view statementGroupName(StatementGroup group) {
    switch (group) {
    case G::EcgOverall:
        return "ECG: overall";
    case G::EcgRhythm:
        return "ECG: rhythm";
    case G::EcgConduction:
        return "ECG: conduction";
    case G::EcgAxis:
        return "ECG: axis";
    case G::EcgHypertrophy:
        return "ECG: hypertrophy and enlargement";
    case G::EcgIschaemia:
        return "ECG: ischaemia and infarction";
    case G::EcgRepolarisation:
        return "ECG: repolarisation and QT";
    case G::EchoLvFunction:
        return "Echo: LV systolic function";
    case G::EchoWallMotion:
        return "Echo: wall motion";
    }
    return "";
}

std::span<const StatementCode> statementCodes() { return kCodes; }

const StatementCode* findStatement(std::string_view sctId) {
    for (const auto& c : kCodes) {
        if (c.sctId == sctId) {
            return &c;
        }
    }
    return nullptr;
}

std::span<const StatementSite> statementSites() { return kSites; }

const StatementSite* findStatementSite(std::string_view sctId) {
    for (const auto& s : kSites) {
        if (s.sctId == sctId) {
            return &s;
        }
    }
    return nullptr;
}

} // namespace veridicor::reading
