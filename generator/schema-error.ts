/** A schema in spec/ that the generator cannot accept: names the file and what is wrong with it. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly file: string;

  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.file = file;
  }
}
