import { readFileSync } from 'node:fs';
import { FirmnetError } from '../errors.js';

/** A parsed CSV file: header names and rows of raw cells, with the 1-based line of each row. */
export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
  lines: number[];
}

export function readCsvFile(file: string): CsvTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    throw new FirmnetError('BAD_CSV', `cannot read ${file}: ${reason}`);
  }
  return parseCsv(text, file);
}

/**
 * RFC 4180 CSV: comma separated, optional double-quoted fields with "" escapes, LF or CRLF line
 * ends, a header row. Blank lines are skipped. Ragged rows are an error naming the line.
 */
export function parseCsv(text: string, file: string): CsvTable {
  const records = splitRecords(text.startsWith('\uFEFF') ? text.slice(1) : text, file);
  if (records.length === 0) {
    throw new FirmnetError('BAD_CSV', `${file} is empty: expected a header row and at least one data row`);
  }
  const header = records[0].cells.map((h) => h.trim());
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') throw new FirmnetError('BAD_CSV', `${file} line ${records[0].line}: header cell ${i + 1} is empty; every column needs a name`);
    if (seen.has(name)) throw new FirmnetError('BAD_CSV', `${file} line ${records[0].line}: column name '${name}' appears twice in the header`);
    seen.add(name);
  });
  if (records.length === 1) {
    throw new FirmnetError('BAD_CSV', `${file} has a header but no data rows`);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const { cells, line } = records[r];
    if (cells.length !== header.length) {
      throw new FirmnetError(
        'BAD_CSV',
        `${file} line ${line}: ${cells.length} cells, expected ${header.length} as in the header (ragged row)`,
      );
    }
    rows.push(cells);
    lines.push(line);
  }
  return { file, header, rows, lines };
}

interface CsvRecord {
  cells: string[];
  line: number;
}

function splitRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let recordHasContent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      inQuotes = true;
      recordHasContent = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
      recordHasContent = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (recordHasContent || cell !== '') {
        cells.push(cell);
        records.push({ cells, line: recordLine });
      }
      cells = [];
      cell = '';
      recordHasContent = false;
      line++;
      recordLine = line;
    } else {
      cell += c;
      recordHasContent = true;
    }
  }
  if (inQuotes) throw new FirmnetError('BAD_CSV', `${file} line ${recordLine}: a quoted field is never closed`);
  if (recordHasContent || cell !== '') {
    cells.push(cell);
    records.push({ cells, line: recordLine });
  }
  return records;
}
