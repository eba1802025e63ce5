/** tlm_command (IEEE 1666-2011 §14.8): what the transaction asks of the target. */
export const TlmCommand = {
  read: 'read',
  write: 'write',
  ignore: 'ignore',
} as const;

/** `read`, `write` or `ignore` (TLM_READ_COMMAND, TLM_WRITE_COMMAND, TLM_IGNORE_COMMAND). */
export type Command = (typeof TlmCommand)[keyof typeof TlmCommand];

/** Byte-enable array values (IEEE 1666-2011 §14.14): a lane is enabled with 0xff, disabled with 0x00. */
export const TLM_BYTE_ENABLED = 0xff;
/** See {@link TLM_BYTE_ENABLED}. */
export const TLM_BYTE_DISABLED = 0x00;
