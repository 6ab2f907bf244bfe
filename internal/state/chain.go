package state

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
)

// chainVersion names the encoding of a link (docs/formats.md): a later
// encoding gets another name, so an old chain is still checked by the
// rules it was built with.
const chainVersion = "billrun-chain-1"

// Head is the last link of the chain: how many issued documents it covers
// and the last one's hash. An operator who notes it can later prove that
// nothing before it changed.
type Head struct {
	Index int
	Hash  string
}

func (h Head) String() string {
	if h.Index == 0 {
		return "empty (no document issued)"
	}
	return fmt.Sprintf("%d document(s), sha256 %s", h.Index, h.Hash)
}

// genesis is the hash before the first link: the register's identity, so
// that no chain can pass for another register's.
func genesis(id string) string {
	sum := sha256.Sum256([]byte("billrun register " + id))
	return hex.EncodeToString(sum[:])
}

// linkHash is the hash of document d after prev: SHA-256 over the
// version, prev and the fields of chainFields, each written as its length
// in bytes, a colon, the bytes and a comma (a netstring), so no two lists
// of fields encode alike.
func linkHash(prev string, d Document) string {
	h := sha256.New()
	for _, f := range append([]string{chainVersion, prev}, chainFields(d)...) {
		h.Write([]byte(strconv.Itoa(len(f)) + ":" + f + ","))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// chainFields are what the chain holds of an issued document, in order:
// everything a reader of the document or an auditor relies on, its
// files' names and digests, the digest of the model its files are
// rendered from (what verify --restore renders again), and a held
// draft's acceptance.
func chainFields(d Document) []string {
	model := sha256.Sum256([]byte(d.Model))
	return []string{d.Number, d.Kind, d.CustomerID, d.Period, d.IssueDate, d.DueDate, d.Currency, d.Total, d.Taxes, d.Corrects,
		d.ContentDigest, hex.EncodeToString(model[:]),
		base(d.PDFPath), d.PDFSHA256, base(d.JSONPath), d.JSONSHA256, base(d.XMLPath), d.XMLSHA256,
		d.Accepted.By, d.Accepted.At, d.Accepted.Note, lines(d.Accepted.Reasons)}
}

// base is a file's name, "" for no file.
func base(path string) string {
	if path == "" {
		return ""
	}
	return filepath.Base(path)
}

// head is the chain's head as the register row keeps it, with the hash
// the next link follows (the genesis while the chain is empty).
func head(ctx context.Context, tx *sql.Tx) (h Head, prev string, err error) {
	var id string
	err = tx.QueryRowContext(ctx, "SELECT id, head_index, head_hash FROM register").Scan(&id, &h.Index, &h.Hash)
	if err != nil {
		return h, "", err
	}
	if h.Index == 0 {
		return h, genesis(id), nil
	}
	return h, h.Hash, nil
}

// link appends the issued document number to the chain, in tx.
func link(ctx context.Context, tx *sql.Tx, number string) error {
	d, err := scanDocument(tx.QueryRowContext(ctx, "SELECT "+documentColumns+" FROM documents WHERE number = ?", number))
	if err != nil {
		return err
	}
	h, prev, err := head(ctx, tx)
	if err != nil {
		return err
	}
	next := Head{Index: h.Index + 1, Hash: linkHash(prev, d)}
	if _, err := tx.ExecContext(ctx, "UPDATE documents SET chain_index = ?, chain_hash = ? WHERE number = ?", next.Index, next.Hash, number); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE register SET head_index = ?, head_hash = ?", next.Index, next.Hash)
	return err
}

// ChainReport is what CheckChain found: the head, when the chain was
// built over documents issued before it existed (BuiltAt, "" when it was
// there from the first), and a sentence per problem, naming the number.
type ChainReport struct {
	Head      Head
	BuiltAt   string
	BuiltOver int
	Problems  []string
}

// CheckChain recomputes every link of the chain from the rows: a row
// changed after it was issued, a row deleted, a row added outside billrun
// or a head that does not match is a problem naming the document.
func (r *Register) CheckChain(ctx context.Context) (ChainReport, error) {
	var rep ChainReport
	var id string
	var stored Head
	err := r.db.QueryRowContext(ctx, "SELECT id, chain_built_at, chain_built_over, head_index, head_hash FROM register").
		Scan(&id, &rep.BuiltAt, &rep.BuiltOver, &stored.Index, &stored.Hash)
	if err != nil {
		return rep, r.errf(err, "read the register's identity")
	}
	rows, err := r.db.QueryContext(ctx, "SELECT "+documentColumns+", coalesce(chain_index, 0), chain_hash FROM documents WHERE status = 'issued' ORDER BY chain_index IS NULL, chain_index")
	if err != nil {
		return rep, r.errf(err, "read the chain")
	}
	defer rows.Close()
	prev, want := genesis(id), 1
	for rows.Next() {
		var d Document
		var index int
		var hash string
		s := rowScanner{rows, []any{&index, &hash}}
		if d, err = scanDocument(s); err != nil {
			return rep, r.errf(err, "read the chain")
		}
		switch {
		case index == 0:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: issued, but not in the register's chain (a row added or changed outside billrun)", d.Number))
			continue
		case index != want:
			rep.Problems = append(rep.Problems, fmt.Sprintf("the register's chain has no document at place %d-%d, before %s (rows deleted)", want, index-1, d.Number))
		case linkHash(prev, d) != hash:
			rep.Problems = append(rep.Problems, fmt.Sprintf("%s: its register row is not what was issued (the chain's hash at place %d does not match: changed after issue)", d.Number, index))
		}
		prev, want = hash, index+1
		rep.Head = Head{Index: index, Hash: hash}
	}
	if err := rows.Err(); err != nil {
		return rep, r.errf(err, "read the chain")
	}
	if rep.Head != stored {
		rep.Problems = append(rep.Problems, fmt.Sprintf("the register's chain ends at %s, but its head records %s (rows deleted or the head changed)", rep.Head, stored))
		rep.Head = stored
	}
	return rep, nil
}

// rowScanner scans a document's columns followed by extra ones.
type rowScanner struct {
	rows  *sql.Rows
	extra []any
}

func (s rowScanner) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra...)...) }

// buildChain links, in tx, the issued documents of a register from
// before the chain, in the order they were recorded, and records that it
// did so and when.
func buildChain(ctx context.Context, tx *sql.Tx, at string) error {
	rows, err := tx.QueryContext(ctx, "SELECT number FROM documents WHERE status = 'issued' ORDER BY rowid")
	if err != nil {
		return err
	}
	var numbers []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		numbers = append(numbers, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range numbers {
		if err := link(ctx, tx, n); err != nil {
			return err
		}
	}
	if len(numbers) == 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, "UPDATE register SET chain_built_at = ?, chain_built_over = ?", at, len(numbers))
	return err
}
