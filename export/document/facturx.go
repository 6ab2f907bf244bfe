package document

import (
	"bytes"
	"crypto/md5"
	_ "embed"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"time"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"
	"github.com/billrun/billrun/export/einvoice"
)

// srgb is the ICC's sRGB profile (icc/LICENSE.color.org), the output
// intent PDF/A requires so colours mean the same everywhere.
//
//go:embed icc/sRGB2014.icc
var srgb []byte

// FacturXName is the name the CII XML is attached under (Factur-X 1.0).
const FacturXName = "factur-x.xml"

// FacturX writes t as a Factur-X 1.0 / ZUGFeRD 2.3 invoice in the
// EN 16931 profile: the PDF, as PDF/A-3, with its CII XML attached as
// factur-x.xml. Both come from the same invoice, so they agree to the
// cent.
func FacturX(w io.Writer, t *Text, ch *Charts) error {
	var x bytes.Buffer
	if err := einvoice.CII(&x, t.orig); err != nil {
		return err
	}
	return render(w, t, ch, x.Bytes())
}

// pdfA3 gives pdf what fpdf can: the attachment, the XMP metadata that
// declares PDF/A-3 and Factur-X, and the sRGB output intent. associate
// adds what it cannot.
func pdfA3(pdf *fpdf.Fpdf, info docInfo, xml []byte) {
	pdf.SetAttachments([]fpdf.Attachment{{Content: xml, Filename: FacturXName, Description: "Factur-X invoice"}})
	pdf.AddOutputIntent(fpdf.OutputIntentType{SubtypeIdent: fpdf.OutputIntent_GTS_PDFA1, OutputConditionIdentifier: "sRGB IEC61966-2.1", Info: "sRGB IEC61966-2.1", ICCProfile: srgb})
	stamp := info.Date.Format("2006-01-02T15:04:05Z07:00")
	pdf.SetXmpMetadata([]byte(fmt.Sprintf(xmpTemplate, stamp, stamp, stamp, producer, html.EscapeString(info.Title))))
}

// producer is the document's producer and creator tool, in the Info
// dictionary and in the XMP alike.
const producer = "billrun"

// docInfo is what a Factur-X PDF's Info dictionary and XMP both say:
// the title and the date (creation and modification).
type docInfo struct {
	Title string
	Date  time.Time
}

// dict is the Info dictionary of info: the title as UTF-16BE with its
// byte order mark, dates with their zone as PDF writes them, so that
// each agrees with its XMP property (PDF/A: 6.7.3).
func (info docInfo) dict() []byte {
	var title bytes.Buffer
	title.WriteString("FEFF")
	for _, u := range utf16.Encode([]rune(info.Title)) {
		fmt.Fprintf(&title, "%04X", u)
	}
	date := info.pdfDate()
	return []byte(fmt.Sprintf("<<\n/Title <%s>\n/Creator (%s)\n/Producer (%s)\n/CreationDate (%s)\n/ModDate (%s)\n>>", title.String(), producer, producer, date, date))
}

// pdfDate is the date as PDF writes one, with its zone.
func (info docInfo) pdfDate() string {
	date := "D:" + info.Date.Format("20060102150405")
	if _, off := info.Date.Zone(); off == 0 {
		return date + "Z"
	}
	return date + info.Date.Format("-07'00'")
}

// xmpTemplate is the document's XMP: PDF/A-3B identification, dates as in
// the Info dictionary, and Factur-X's own schema with the extension
// schema description PDF/A requires for it.
const xmpTemplate = `<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<xmp:CreatorTool>billrun</xmp:CreatorTool>
<xmp:CreateDate>%s</xmp:CreateDate>
<xmp:ModifyDate>%s</xmp:ModifyDate>
<xmp:MetadataDate>%s</xmp:MetadataDate>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdf:Producer>%s</pdf:Producer>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt></dc:title>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#">
<fx:DocumentType>INVOICE</fx:DocumentType>
<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
<fx:Version>1.0</fx:Version>
<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>fx</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentFileName</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentType</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The type of the hybrid document</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>Version</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The version of the Factur-X schema</pdfaProperty:description></rdf:li>
<rdf:li rdf:parseType="Resource"><pdfaProperty:name>ConformanceLevel</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The conformance level of the embedded data</pdfaProperty:description></rdf:li>
</rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`

var (
	objHeader = regexp.MustCompile(`(?m)^(\d+) 0 obj\n`)
	startxref = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n?$`)
	trailerRe = regexp.MustCompile(`/Size (\d+)\n/Root (\d+) 0 R\n/Info (\d+) 0 R`)
)

// associate appends to fpdf's output an incremental update (the file's
// bytes stay as they are; the update supersedes four objects) with what
// PDF/A-3 and Factur-X require and fpdf does not write: the embedded
// file's MIME subtype and modification date, its file specification's /AFRelationship and
// name, the catalog's /AF array, an Info dictionary that agrees with the
// XMP, and a trailer naming it (fpdf's names the object after it, the
// output intent's profile) with an /ID.
func associate(doc []byte, info docInfo) ([]byte, error) {
	find := func(marker string) (num int, body []byte, err error) {
		i := bytes.Index(doc, []byte(marker))
		if i < 0 {
			return 0, nil, fmt.Errorf("PDF/A-3: no %s object in the PDF", marker)
		}
		heads := objHeader.FindAllSubmatchIndex(doc[:i], -1)
		if len(heads) == 0 {
			return 0, nil, fmt.Errorf("PDF/A-3: %s is in no object", marker)
		}
		h := heads[len(heads)-1]
		end := bytes.Index(doc[h[1]:], []byte("\nendobj"))
		if end < 0 {
			return 0, nil, fmt.Errorf("PDF/A-3: %s object has no end", marker)
		}
		num, _ = strconv.Atoi(string(doc[h[2]:h[3]]))
		return num, doc[h[1] : h[1]+end], nil
	}
	fileNum, file, err := find("/Type /EmbeddedFile ")
	if err != nil {
		return nil, err
	}
	specNum, spec, err := find("/Type /Filespec")
	if err != nil {
		return nil, err
	}
	catNum, cat, err := find("/Type /Catalog")
	if err != nil {
		return nil, err
	}
	infoNum, _, err := find("\n/CreationDate (")
	if err != nil {
		return nil, err
	}
	m := startxref.FindSubmatch(doc)
	t := trailerRe.FindSubmatch(doc[bytes.LastIndex(doc, []byte("trailer")):])
	if m == nil || t == nil {
		return nil, fmt.Errorf("PDF/A-3: the PDF's trailer is not fpdf's")
	}
	file = bytes.Replace(file, []byte("/Type /EmbeddedFile "), []byte("/Type /EmbeddedFile /Subtype /text#2Fxml "), 1)
	file = bytes.Replace(file, []byte("/Params << "), []byte("/Params << /ModDate ("+info.pdfDate()+") "), 1)
	spec = bytes.Replace(spec, []byte("/F () "), []byte("/F ("+FacturXName+") /AFRelationship /Alternative "), 1)
	cat = bytes.Replace(cat, []byte("/Type /Catalog"), []byte(fmt.Sprintf("/Type /Catalog\n/AF [%d 0 R]", specNum)), 1)

	out := bytes.NewBuffer(append([]byte(nil), doc...))
	if !bytes.HasSuffix(doc, []byte("\n")) {
		out.WriteByte('\n')
	}
	type entry struct{ num, off int }
	var entries []entry
	for _, o := range []struct {
		num  int
		body []byte
	}{{fileNum, file}, {specNum, spec}, {catNum, cat}, {infoNum, info.dict()}} {
		entries = append(entries, entry{o.num, out.Len()})
		fmt.Fprintf(out, "%d 0 obj\n%s\nendobj\n", o.num, o.body)
	}
	xref := out.Len()
	out.WriteString("xref\n")
	for _, e := range entries {
		fmt.Fprintf(out, "%d 1\n%010d 00000 n \n", e.num, e.off)
	}
	sum := md5.Sum(doc) // an identifier from the content: the same invoice, the same bytes
	id := hex.EncodeToString(sum[:])
	fmt.Fprintf(out, "trailer\n<<\n/Size %s\n/Root %s 0 R\n/Info %d 0 R\n/ID [<%s> <%s>]\n/Prev %s\n>>\nstartxref\n%d\n%%%%EOF\n", t[1], t[2], infoNum, id, id, m[1], xref)
	return out.Bytes(), nil
}
