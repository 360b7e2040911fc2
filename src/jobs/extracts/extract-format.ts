import { stringify } from 'csv-stringify/sync';

export type ExtractFormat = 'ndjson' | 'csv';

export const extractContentTypes: Record<ExtractFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8; header=present',
};

/** What a file is a snapshot of: its rows, then the events after `event_sequence`, are the dataset. */
export interface ExtractHeader {
  extract_id: string;
  dataset: string;
  event_sequence: string;
  snapshot_at: string;
  row_count: number;
  columns: string[];
}

export interface ExtractEncoder {
  begin(): string;
  rows(records: Record<string, unknown>[]): string;
  end(): string;
}

/** An encoder: `begin` gives the first bytes, `rows` the bytes for a batch of records, `end` the last bytes. */
export function extractEncoder(format: ExtractFormat, header: ExtractHeader): ExtractEncoder {
  return format === 'csv' ? csvEncoder(header.columns) : ndjsonEncoder(header);
}

// NDJSON: the first line is the watermark `{"extract": header}`, then one record per line. JSON
// escapes every newline inside a value, so a line is always exactly one record.
function ndjsonEncoder(header: ExtractHeader): ExtractEncoder {
  return {
    begin: () => `${JSON.stringify({ extract: header })}\n`,
    rows: (records) => records.map((record) => `${JSON.stringify(record)}\n`).join(''),
    end: () => '',
  };
}

// CSV: RFC 4180 — CRLF after every record (the last too), a header row of `columns`, fields quoted
// only when they hold a comma, a quote or a line break (CR or LF, so a lone LF inside a value is
// quoted too). Null and absent values are empty fields, as is the empty string (CSV cannot tell
// them apart); objects and arrays are JSON text; booleans true/false. The watermark stays out of
// the file, which is plain CSV: it travels in the job's status and the download's headers.
function csvEncoder(columns: string[]): ExtractEncoder {
  const options = {
    columns,
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    cast: {
      boolean: (value: boolean) => (value ? 'true' : 'false'),
      date: (value: Date) => value.toISOString(),
      object: (value: Record<string, unknown>) => JSON.stringify(value),
    },
  } as const;
  return {
    begin: () => stringify([], { ...options, header: true }),
    rows: (records) => (records.length === 0 ? '' : stringify(records, options)),
    end: () => '',
  };
}
