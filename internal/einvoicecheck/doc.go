// Package einvoicecheck runs the official e-invoice rules on files, for
// tests: ../shared/einvoice/validate next to the project or next to the
// repository it was cloned from (the CEN EN 16931, KoSIT XRechnung and
// Peppol BIS 3 schematron and the XSDs), or the one
// $BILLRUN_EINVOICE_VALIDATE names. Without it a test is skipped
// locally and fails under CI=true, so the check never passes by being
// absent.
package einvoicecheck
