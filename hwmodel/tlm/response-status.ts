/**
 * tlm_response_status (IEEE 1666-2011 §14.17): the outcome of a transaction,
 * set by the target. The numeric values of the standard are kept in
 * `responseStatusValue` so `isResponseOk` / `isResponseError` follow its
 * rule (ok is the only positive value; incomplete counts as an error).
 */
export const TlmResponseStatus = {
  ok: 'ok',
  incomplete: 'incomplete',
  genericError: 'generic_error',
  addressError: 'address_error',
  commandError: 'command_error',
  burstError: 'burst_error',
  byteEnableError: 'byte_enable_error',
} as const;

/** One of the seven TLM-2.0 response statuses. */
export type ResponseStatus = (typeof TlmResponseStatus)[keyof typeof TlmResponseStatus];

/** The standard's numeric value of each status (TLM_OK_RESPONSE = 1 ... TLM_BYTE_ENABLE_ERROR_RESPONSE = -5). */
export const responseStatusValue: Readonly<Record<ResponseStatus, number>> = {
  ok: 1,
  incomplete: 0,
  generic_error: -1,
  address_error: -2,
  command_error: -3,
  burst_error: -4,
  byte_enable_error: -5,
};

const RESPONSE_STRINGS: Readonly<Record<ResponseStatus, string>> = {
  ok: 'TLM_OK_RESPONSE',
  incomplete: 'TLM_INCOMPLETE_RESPONSE',
  generic_error: 'TLM_GENERIC_ERROR_RESPONSE',
  address_error: 'TLM_ADDRESS_ERROR_RESPONSE',
  command_error: 'TLM_COMMAND_ERROR_RESPONSE',
  burst_error: 'TLM_BURST_ERROR_RESPONSE',
  byte_enable_error: 'TLM_BYTE_ENABLE_ERROR_RESPONSE',
};

/** The standard's name of a status (`get_response_string`): `TLM_ADDRESS_ERROR_RESPONSE`. */
export function responseString(status: ResponseStatus): string {
  return RESPONSE_STRINGS[status];
}

/** True only for `ok` (value > 0). */
export function isResponseOk(status: ResponseStatus): boolean {
  return responseStatusValue[status] > 0;
}

/** True for every status but `ok`, `incomplete` included (value <= 0), as in the standard. */
export function isResponseError(status: ResponseStatus): boolean {
  return responseStatusValue[status] <= 0;
}
