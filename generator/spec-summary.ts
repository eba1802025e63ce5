/** The spec's summary (what `dtls13 generate` prints): counts and tables, made by emit/summary.ts; no optional package needed here. */

/** Counts and tables describing the spec, for the CLI and generated/wire/README.md. */
export interface SpecSummary {
  readonly kaitaiVersion: string;
  readonly files: number;
  readonly types: number;
  readonly enums: number;
  readonly enumMembers: number;
  readonly messages: readonly { readonly name: string; readonly file: string; readonly ref: string }[];
  readonly extensionTable: readonly { readonly message: string; readonly extensions: string }[];
}

/** The summary as `dtls13 generate` prints it. */
export function summaryText(s: SpecSummary): string {
  return [
    `spec/wire: ${s.files} Kaitai schemas (kaitai-struct-compiler ${s.kaitaiVersion})`,
    `  ${s.types} structures, ${s.enums} registries with ${s.enumMembers} named values`,
    `  top-level: ${s.messages.map((m) => m.name).join(', ')}`,
    ...s.extensionTable.map((e) => `  extensions in ${e.message}: ${e.extensions}`),
  ].join('\n');
}
