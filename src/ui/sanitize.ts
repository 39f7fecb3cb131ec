// Alert and ticket text is attacker-controlled. Before any of it reaches a terminal we remove
// escape sequences (CSI, OSC - hyperlinks, clipboard writes, title changes - DCS, SOS/PM/APC,
// and their 8-bit C1 forms) and every other control character.

// ESC [ ... final  |  ESC ] ... (BEL | ESC \)  |  ESC P/X/^/_ ... ESC \  |  ESC + one char
// The 8-bit introducers (0x9b CSI, 0x9d OSC, 0x90 DCS, 0x98 SOS, 0x9e PM, 0x9f APC) likewise.
const ESCAPES =
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)|\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
// C0 except TAB and LF, DEL, C1, and the Unicode bidi overrides that can reorder what is shown.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** Text safe for a terminal; newlines and tabs kept (for `show`). */
export function sanitizeText(input: unknown): string {
  if (input === undefined || input === null) return '';
  const s = String(input);
  return s.replace(ESCAPES, '').replace(/\r\n?/g, '\n').replace(CONTROLS, '');
}

/** One line for a table cell or TSV field: also folds newlines and tabs into spaces. */
export function sanitizeCell(input: unknown): string {
  return sanitizeText(input).replace(/[\t\n]+/g, ' ');
}
