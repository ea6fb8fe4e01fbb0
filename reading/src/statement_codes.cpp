#include <veridicor/reading/statement_codes.h>

#include <array>

namespace veridicor::reading {

namespace {

using G = StatementGroup;

// Sources (reading/README.md): ECG codes from the PhysioNet/CinC Challenge 2020 diagnosis mappings
// (physionetchallenges/evaluation-2020, dx_mapping_scored.csv and dx_mapping_unscored.csv); normal / abnormal /
// borderline / equivocal ECG from DICOM PS3.16 CID 3677 Summary Codes ECG and wall motion from CID 3703 (both
// as transcribed in bvdh/dicom-terminology-in-fhir).
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
    StatementCode{G::EcgRepolarisation, "164931005", "ST elevation"},
    StatementCode{G::EcgRepolarisation, "429622005", "ST depression"},
    StatementCode{G::EcgRepolarisation, "704997005", "Inferior ST segment depression"},
    StatementCode{G::EcgRepolarisation, "428750005", "Nonspecific ST-T abnormality"},
    StatementCode{G::EcgRepolarisation, "164934002", "T wave abnormal"},
    StatementCode{G::EcgRepolarisation, "59931005", "T wave inversion"},
    StatementCode{G::EcgRepolarisation, "428417006", "Early repolarization"},
    StatementCode{G::EcgRepolarisation, "111975006", "Prolonged QT interval"},
    StatementCode{G::EcgRepolarisation, "77867006", "Decreased QT interval"},
    StatementCode{G::EchoWallMotion, "373122000", "Normal wall motion"},
    StatementCode{G::EchoWallMotion, "373123005", "Hyperkinetic region"},
    StatementCode{G::EchoWallMotion, "37706002", "Hypokinesis"},
    StatementCode{G::EchoWallMotion, "371868005", "Mild Hypokinesis"},
    StatementCode{G::EchoWallMotion, "371869002", "Moderate Hypokinesis"},
    StatementCode{G::EchoWallMotion, "371870001", "Severe Hypokinesis"},
    StatementCode{G::EchoWallMotion, "195675009", "Akinesis"},
    StatementCode{G::EchoWallMotion, "25437005", "Dyskinesis"},
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

} // namespace veridicor::reading
