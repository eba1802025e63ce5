import { SchemaError } from '../schema-error.js';

/** What is wrong with a spec/hw file. */
export type HwSpecProblem =
  | 'yaml'
  | 'shape'
  | 'unknown_key'
  | 'missing'
  | 'bad_name'
  | 'duplicate'
  | 'bad_unit'
  | 'bad_value'
  | 'unknown_module'
  | 'unknown_socket'
  | 'role_mismatch'
  | 'protocol_mismatch'
  | 'bad_index'
  | 'already_bound'
  | 'unbound';

/**
 * A spec/hw file the generator cannot accept: names the file, the YAML path
 * inside it (`sockets[2].role`, `connections[4].to`) and what is wrong.
 * A SchemaError, so callers that handle spec errors handle these too.
 */
export class HwSpecError extends SchemaError {
  /** Where in the file (dotted/indexed YAML path; `(file)` for the file as a whole). */
  readonly yamlPath: string;
  readonly problem: HwSpecProblem;
  readonly reason: string;

  constructor(file: string, yamlPath: string, problem: HwSpecProblem, reason: string) {
    super(file, `${yamlPath}: ${reason}`);
    this.yamlPath = yamlPath;
    this.problem = problem;
    this.reason = reason;
  }
}
