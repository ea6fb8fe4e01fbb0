#pragma once
// The concept names of the reading SR (reading/README.md lists them with their sources). DCM codes are those
// of DCMTK's dcmsr/codes/dcm.h (DICOM PS3.16 Annex D); "99VRDC" is our private coding scheme (PS3.16 8.2:
// designators beginning with "99" are private) for what no standard code says.

#include <dcmtk/dcmsr/dsrcodvl.h>

namespace veridicor::reading::codes {

inline constexpr const char* kPrivateScheme = "99VRDC";

/// TID 3700 ECG Report root (PS3.16) and TID 5200 Adult Echocardiography Procedure Report root.
inline DSRCodedEntryValue ecgReport() { return {"11524-0", "LN", "ECG Report"}; }
inline DSRCodedEntryValue echoReport() { return {"125200", "DCM", "Adult Echocardiography Procedure Report"}; }

inline DSRCodedEntryValue personObserverName() { return {"121008", "DCM", "Person Observer Name"}; }
inline DSRCodedEntryValue currentProcedureEvidence() { return {"122073", "DCM", "Current procedure evidence"}; }
inline DSRCodedEntryValue finding() { return {"121071", "DCM", "Finding"}; }
/// The concept modifier that says where a statement applies (DCMTK dcmsr/codes/sct.h: FindingSite).
inline DSRCodedEntryValue findingSite() { return {"363698007", "SCT", "Finding Site"}; }
inline DSRCodedEntryValue comment() { return {"121106", "DCM", "Comment"}; }
inline DSRCodedEntryValue quantitativeAnalysis() { return {"122144", "DCM", "Quantitative Analysis"}; }
inline DSRCodedEntryValue measurementGroup() { return {"125007", "DCM", "Measurement Group"}; }

inline DSRCodedEntryValue priv(const char* value, const char* meaning) { return {value, kPrivateScheme, meaning}; }
inline DSRCodedEntryValue evidenceDigest() { return priv("EVIDENCE-DIGEST", "Evidence content digest"); }
inline DSRCodedEntryValue blindRead() { return priv("BLIND-READ", "Blind read"); }
inline DSRCodedEntryValue yes() { return priv("YES", "Yes"); }
inline DSRCodedEntryValue no() { return priv("NO", "No"); }
inline DSRCodedEntryValue amends() { return priv("AMENDS", "Amends report"); }
inline DSRCodedEntryValue measurementName() { return priv("MEASUREMENT", "Measurement"); }
inline DSRCodedEntryValue lead() { return priv("LEAD", "Lead"); }
inline DSRCodedEntryValue startTime() { return priv("T-START", "Start time"); }
inline DSRCodedEntryValue endTime() { return priv("T-END", "End time"); }
inline DSRCodedEntryValue deviceStatementReview() { return priv("DEVICE-REVIEW", "Device statement review"); }
inline DSRCodedEntryValue deviceStatement() { return priv("DEVICE-STATEMENT", "Device statement"); }
inline DSRCodedEntryValue review() { return priv("REVIEW", "Review"); }
inline DSRCodedEntryValue confirmed() { return priv("CONFIRMED", "Confirmed"); }
inline DSRCodedEntryValue rejected() { return priv("REJECTED", "Rejected"); }
inline DSRCodedEntryValue aiAssessment() { return priv("AI-ASSESSMENT", "AI finding assessment"); }
inline DSRCodedEntryValue bundleSha256() { return priv("BUNDLE-SHA256", "Finding bundle SHA-256"); }
inline DSRCodedEntryValue findingId() { return priv("FINDING-ID", "Finding id"); }
inline DSRCodedEntryValue verdictAtReading() { return priv("VERDICT", "Verdict at reading"); }
inline DSRCodedEntryValue assessment() { return priv("ASSESSMENT", "Assessment"); }
inline DSRCodedEntryValue agree() { return priv("AGREE", "Agree"); }
inline DSRCodedEntryValue disagree() { return priv("DISAGREE", "Disagree"); }
inline DSRCodedEntryValue modified() { return priv("MODIFIED", "Modified"); }
inline DSRCodedEntryValue reason() { return priv("REASON", "Reason"); }

// The adjudication SR (adjudication_sr.cpp; reading/README.md "The adjudication SR"). PS3.16 has no
// document title for an adjudication (CID 7000's titles are reports of a procedure), so the root is ours.
inline DSRCodedEntryValue adjudicationReport() { return priv("ADJUDICATION", "Adjudication report"); }
inline DSRCodedEntryValue adjudicatedReading() { return priv("ADJUDICATED-READING", "Adjudicated reading"); }
inline DSRCodedEntryValue readingSigner() { return priv("READING-SIGNER", "Signer of the adjudicated reading"); }
inline DSRCodedEntryValue readingSignerCert() {
    return priv("READING-SIGNER-CERT", "Reading signer certificate SHA-256");
}
inline DSRCodedEntryValue readingSignerId() { return priv("READING-SIGNER-ID", "Reading signer e-mail"); }
inline DSRCodedEntryValue adjudicatedCategory() { return priv("ADJUDICATED-CATEGORY", "Adjudicated category"); }
inline DSRCodedEntryValue reviewCategory() { return priv("CATEGORY", "Review category"); }
inline DSRCodedEntryValue finalLabel() { return priv("FINAL-LABEL", "Final label"); }
inline DSRCodedEntryValue positive() { return priv("POSITIVE", "Positive"); }
inline DSRCodedEntryValue negative() { return priv("NEGATIVE", "Negative"); }
inline DSRCodedEntryValue chosenFrom() { return priv("CHOSEN-FROM", "Chosen from"); }
inline DSRCodedEntryValue fromAi() { return priv("AI-FINDING", "AI finding"); }
inline DSRCodedEntryValue fromClinician() { return priv("CLINICIAN-READING", "Clinician's reading"); }

/// Same code value and scheme (the meaning is for people and is not compared).
inline bool same(const DSRCodedEntryValue& a, const DSRCodedEntryValue& b) {
    return a.getCodeValue() == b.getCodeValue() && a.getCodingSchemeDesignator() == b.getCodingSchemeDesignator();
}

} // namespace veridicor::reading::codes
