import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { FirmnetError } from '../errors.js';

/** The field separators firmnet recognises, told apart by the header row. */
export type CsvDelimiter = ',' | ';' | '\t';

/** The first record of a CSV file. */
export interface CsvHeader {
  file: string;
  /** Column names, trimmed; unique and non-empty. */
  names: string[];
  delimiter: CsvDelimiter;
  /** 1-based line of the header. */
  line: number;
}

/**
 * Receives a CSV file record by record, so that no file-sized structure of strings is ever held:
 * `start` once with the header and an upper bound on the number of data rows (for allocating),
 * then `row` per data record. `cells` is reused for the next record: copy what must be kept.
 */
export interface CsvVisitor {
  start(header: CsvHeader, maxRows: number): void;
  row(cells: readonly string[], line: number): void;
}

const CHUNK_BYTES = 1 << 22;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads an RFC 4180 CSV file in chunks: optional double-quoted fields with "" escapes, LF, CRLF or
 * CR line ends, a header row; blank lines are skipped; ragged rows are an error naming the line.
 * The delimiter is ',', ';' or tab, whichever the header uses. Returns the number of data rows.
 */
export function readCsv(file: string, visitor: CsvVisitor, chunkBytes = CHUNK_BYTES, options: CsvReadOptions = {}): number {
  const fd = openCsv(file);
  try {
    const bytes = fstatSync(fd).size;
    // Without a header row every record is data: one more than a headed file of the same lines.
    const records = lineEnds(fd, file, bytes, chunkBytes) + 1 + (options.headerless ? 1 : 0);
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(chunkBytes);
    const splitter = new CsvSplitter(file, (header) => visitor.start(header, maxDataRows(records, bytes, header.names.length)), visitor.row.bind(visitor), options);
    for (let position = 0; position < bytes; ) {
      const n = readChunk(fd, file, buffer, position);
      if (n === 0) break;
      position += n;
      splitter.push(decoder.write(n === buffer.length ? buffer : buffer.subarray(0, n)));
    }
    splitter.push(decoder.end());
    return splitter.end();
  } finally {
    closeSync(fd);
  }
}

/**
 * `headerless`: the first record is data too; the header the visitor gets names the columns
 * `column 1`, `column 2`, … after the first record's width. `onRagged`: a record whose width differs
 * from the header's is passed here (and counted as a data row) instead of ending the read with an
 * error, so a caller can name every bad line at once (`cells` is reused, like a row's).
 */
export interface CsvReadOptions {
  headerless?: boolean;
  onRagged?: (cells: readonly string[], line: number) => void;
}

/** The same reader over text already in memory (small files, tests). */
export function parseCsvText(text: string, file: string, visitor: CsvVisitor): number {
  const records = countOf(text, '\n') + countOf(text, '\r') - countOf(text, '\r\n') + 1;
  const splitter = new CsvSplitter(file, (header) => visitor.start(header, maxDataRows(records, Buffer.byteLength(text), header.names.length)), visitor.row.bind(visitor));
  splitter.push(text);
  return splitter.end();
}

/** The header of a CSV file, reading no further than its first record. */
export function readCsvHeader(file: string): CsvHeader {
  const fd = openCsv(file);
  try {
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(1 << 16);
    const splitter = new CsvSplitter(file, () => undefined, () => undefined);
    for (let position = 0; splitter.header === null; ) {
      const n = readChunk(fd, file, buffer, position);
      if (n === 0) {
        // No line end after the header: end() finds it, or says the file is empty.
        splitter.push(decoder.end());
        splitter.end();
        break;
      }
      position += n;
      splitter.push(decoder.write(buffer.subarray(0, n)), true);
    }
    return splitter.header!;
  } finally {
    closeSync(fd);
  }
}

function openCsv(file: string): number {
  try {
    const fd = openSync(file, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw new FirmnetError('BAD_CSV', `cannot read ${file}: not a regular file`);
    }
    return fd;
  } catch (e) {
    if (e instanceof FirmnetError) throw e;
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    throw new FirmnetError('BAD_CSV', `cannot read ${file}: ${reason}`);
  }
}

function readChunk(fd: number, file: string, buffer: Buffer, position: number): number {
  try {
    return readSync(fd, buffer, 0, buffer.length, position);
  } catch (e) {
    throw new FirmnetError('BAD_CSV', `cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Line ends in the file, as the splitter sees them (LF, CRLF, or a CR alone): records ≤ this + 1. */
function lineEnds(fd: number, file: string, bytes: number, chunkBytes: number): number {
  const buffer = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(bytes, 1)));
  let ends = 0;
  let crLast = false;
  for (let position = 0; position < bytes; ) {
    const n = readChunk(fd, file, buffer, position);
    if (n === 0) break;
    position += n;
    const view = n === buffer.length ? buffer : buffer.subarray(0, n);
    // A CR ending the previous chunk was counted; a LF right after it is the same line end.
    for (let i = view.indexOf(LF, crLast ? 1 : 0); i >= 0; i = view.indexOf(LF, i + 1)) ends++;
    for (let i = view.indexOf(CR); i >= 0; i = view.indexOf(CR, i + 1)) if (view[i + 1] !== LF) ends++;
    crLast = view[n - 1] === CR;
  }
  return ends;
}

/**
 * An upper bound on the data rows, to allocate once: at most one per line, and a valid row of
 * `columns` cells takes at least 2·columns bytes (a character and a separator per cell).
 */
function maxDataRows(records: number, bytes: number, columns: number): number {
  return Math.max(0, Math.min(records - 1, Math.floor((bytes + 1) / (2 * columns))));
}

function countOf(text: string, pattern: string): number {
  let n = 0;
  for (let i = text.indexOf(pattern); i >= 0; i = text.indexOf(pattern, i + 1)) n++;
  return n;
}

/**
 * The record state machine, fed text in pieces of any size: a record, a quoted field or a CRLF
 * may straddle two pieces. Unquoted cells are sliced out of the piece; only quoted cells and
 * cells cut by a piece boundary are assembled.
 */
class CsvSplitter {
  header: CsvHeader | null = null;
  private delimiter = 0;
  private cells: string[] = [];
  /** The part of the current cell that lies in earlier pieces or in closed quotes. */
  private pending = '';
  private inQuotes = false;
  /** A quote seen inside quotes: the next character decides between "" and the closing quote. */
  private quoteSeen = false;
  /** A CR ended the last record: a LF right after it belongs to the same line end. */
  private crSeen = false;
  /** The current record has a delimiter or a quote, so it is not blank even with empty cells. */
  private marked = false;
  private line = 1;
  private recordLine = 1;
  private rows = 0;
  private first = true;

  constructor(
    private readonly file: string,
    private readonly onHeader: (header: CsvHeader) => void,
    private readonly onRow: (cells: readonly string[], line: number) => void,
    private readonly options: CsvReadOptions = {},
  ) {}

  /** `headerOnly`: stop after the header (the rest of the piece is ignored). */
  push(text: string, headerOnly = false): void {
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.delimiter = detectDelimiter(text, this.file).charCodeAt(0);
    }
    if (text.length === 0) return;
    const delimiter = this.delimiter;
    const n = text.length;
    let i = 0;
    // A CR or a quote at the end of the last piece: its meaning depends on this piece's first character.
    if (this.crSeen) {
      this.crSeen = false;
      if (text.charCodeAt(0) === LF) i = 1;
    }
    if (this.quoteSeen) {
      this.quoteSeen = false;
      if (text.charCodeAt(i) === QUOTE) {
        this.pending += '"';
        i++;
      } else {
        this.inQuotes = false;
      }
    }
    let inQuotes = this.inQuotes;
    let start = i;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inQuotes) {
        if (c === QUOTE) {
          this.pending += text.slice(start, i);
          if (i + 1 === n) {
            this.quoteSeen = true;
          } else if (text.charCodeAt(i + 1) === QUOTE) {
            this.pending += '"';
            i++;
          } else {
            inQuotes = false;
          }
          start = i + 1;
        } else if (c === LF) {
          this.line++;
        }
      } else if (c === delimiter) {
        this.cells.push(this.pending === '' ? text.slice(start, i) : this.pending + text.slice(start, i));
        this.pending = '';
        this.marked = true;
        start = i + 1;
      } else if (c === LF || c === CR) {
        this.endRecord(this.pending === '' ? text.slice(start, i) : this.pending + text.slice(start, i));
        if (c === CR) {
          if (i + 1 === n) this.crSeen = true;
          else if (text.charCodeAt(i + 1) === LF) i++;
        }
        this.line++;
        this.recordLine = this.line;
        start = i + 1;
        if (headerOnly && this.header) return;
      } else if (c === QUOTE) {
        this.pending += text.slice(start, i);
        inQuotes = true;
        this.marked = true;
        start = i + 1;
      }
    }
    this.inQuotes = inQuotes;
    if (start < n) this.pending += text.slice(start);
  }

  /** Ends the input; returns the number of data rows. */
  end(): number {
    if (this.inQuotes && !this.quoteSeen) throw new FirmnetError('BAD_CSV', `${this.file} line ${this.recordLine}: a quoted field is never closed`);
    this.endRecord(this.pending);
    if (!this.header) throw new FirmnetError('BAD_CSV', `${this.file} is empty: expected a header row and at least one data row`);
    if (this.rows === 0) throw new FirmnetError('BAD_CSV', `${this.file} has a header but no data rows`);
    return this.rows;
  }

  private endRecord(lastCell: string): void {
    this.pending = '';
    this.inQuotes = false;
    this.quoteSeen = false;
    const blank = !this.marked && lastCell === '';
    this.marked = false;
    if (blank) {
      this.cells.length = 0;
      return;
    }
    this.cells.push(lastCell);
    const delimiter = String.fromCharCode(this.delimiter) as CsvDelimiter;
    if (this.header === null && this.options.headerless) {
      this.header = { file: this.file, names: this.cells.map((_, i) => `column ${i + 1}`), delimiter, line: this.recordLine };
      this.onHeader(this.header);
    }
    if (this.header === null) {
      this.header = headerOf(this.cells, this.file, this.recordLine, delimiter);
      this.onHeader(this.header);
    } else if (this.cells.length !== this.header.names.length && this.options.onRagged) {
      this.rows++;
      this.options.onRagged(this.cells, this.recordLine);
    } else {
      if (this.cells.length !== this.header.names.length) {
        throw new FirmnetError(
          'BAD_CSV',
          `${this.file} line ${this.recordLine}: ${this.cells.length} cells, expected ${this.header.names.length} as in the header (ragged row)`,
        );
      }
      this.rows++;
      this.onRow(this.cells, this.recordLine);
    }
    this.cells.length = 0;
  }
}

function headerOf(cells: string[], file: string, line: number, delimiter: CsvDelimiter): CsvHeader {
  const names = cells.map((h) => ownCopy(h.trim()));
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') throw new FirmnetError('BAD_CSV', `${file} line ${line}: header cell ${i + 1} is empty; every column needs a name`);
    if (seen.has(name)) throw new FirmnetError('BAD_CSV', `${file} line ${line}: column name '${name}' appears twice in the header`);
    seen.add(name);
  });
  return { file, names, delimiter, line };
}

/**
 * The separator the header uses, outside quotes: a comma if it has any (a ';' or tab inside a name
 * of a comma-separated file is legal), else ';' or tab if it has exactly one of them. A header
 * with both ';' and tabs but no comma cannot be told apart and is an error.
 */
function detectDelimiter(text: string, file: string): CsvDelimiter {
  let inQuotes = false;
  let semicolons = 0;
  let tabs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === ',') return ',';
    else if (c === ';') semicolons++;
    else if (c === '\t') tabs++;
    else if (c === '\n' || c === '\r') break;
  }
  if (semicolons > 0 && tabs > 0) {
    throw new FirmnetError(
      'BAD_CSV',
      `${file} line 1: the header has both ';' and tabs and no comma, so its separator is ambiguous; write the file comma-separated (or quote the names that contain ';' or tabs)`,
    );
  }
  return semicolons > 0 ? ';' : tabs > 0 ? '\t' : ',';
}

/**
 * A string that does not share memory with the chunk it was sliced from: a kept name (header,
 * class label) must not hold a whole chunk of the file alive.
 */
export function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
