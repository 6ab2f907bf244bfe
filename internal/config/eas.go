package config

// easCodes are the four-digit schemes of the Electronic Address Scheme
// (EAS) code list the CEN rules of EN 16931 accept for an endpoint
// (BR-CL-25, validation 1.3.16): with EM, e-mail, the endpoints billrun
// takes. An address in another scheme fails the receiver's validation, so
// it is a config error rather than an e-invoice nobody can take.
// TestEASCodes compares the table with the rules themselves.
var easCodes = map[string]bool{
	"0002": true, "0007": true, "0009": true, "0037": true, "0060": true,
	"0088": true, "0096": true, "0097": true, "0106": true, "0130": true,
	"0135": true, "0142": true, "0147": true, "0151": true, "0154": true,
	"0158": true, "0170": true, "0177": true, "0183": true, "0184": true,
	"0188": true, "0190": true, "0191": true, "0192": true, "0193": true,
	"0194": true, "0195": true, "0196": true, "0198": true, "0199": true,
	"0200": true, "0201": true, "0202": true, "0203": true, "0204": true,
	"0205": true, "0208": true, "0209": true, "0210": true, "0211": true,
	"0212": true, "0213": true, "0215": true, "0216": true, "0217": true,
	"0218": true, "0219": true, "0220": true, "0221": true, "0225": true,
	"0230": true, "0235": true, "0240": true, "0244": true, "0242": true,
	"0245": true, "0246": true, "0248": true, "9910": true, "9913": true,
	"9914": true, "9915": true, "9918": true, "9919": true, "9920": true,
	"9922": true, "9923": true, "9924": true, "9925": true, "9926": true,
	"9927": true, "9928": true, "9929": true, "9930": true, "9931": true,
	"9932": true, "9933": true, "9934": true, "9935": true, "9936": true,
	"9937": true, "9938": true, "9939": true, "9940": true, "9941": true,
	"9942": true, "9943": true, "9944": true, "9945": true, "9946": true,
	"9947": true, "9948": true, "9949": true, "9950": true, "9951": true,
	"9952": true, "9953": true, "9957": true, "9959": true,
}

// notPeppolEAS are the EAS codes of easCodes that Peppol BIS 3 does not
// take (its code list is shorter than the CEN one).
var notPeppolEAS = map[string]bool{"0219": true, "0220": true, "0242": true, "0244": true, "0245": true, "0246": true, "0248": true}
