/**
 * hwmodel/timing: pure, deterministic timing models (crypto, network,
 * memory, load) and timing profiles. Randomness comes from a caller's
 * {@link RandomSource} (the kernel's `sim.random.fork(name)` fits).
 */
export {
  CIPHER_SUITES,
  CRYPTO_OPS,
  HASH_ALGORITHMS,
  KEY_EXCHANGE_GROUPS,
  MASK_ALGORITHMS,
  OP_CLASSES,
  OP_CLASS_OF,
  SIGNATURE_SCHEMES,
  SUITE_ALGORITHMS,
  suiteFromName,
} from './names.js';
export type { CipherSuite, CryptoOpKind, OpClass } from './names.js';
export type {
  AcceleratedCrypto,
  AeadCost,
  CryptoUnit,
  CycleCost,
  CryptoCostOverrides,
  CryptoCostTable,
  KeyExchangeCost,
  LinearCost,
  SignatureCost,
  SignatureScheme,
  SoftwareCrypto,
} from './crypto-table.js';
export { CryptoTimingModel, cryptoUnitOf } from './crypto-model.js';
export type { CryptoOperation, CryptoProfile, CryptoTimingOptions } from './crypto-model.js';
export { ResourcePool } from './resource-pool.js';
export type { LaneGrant, PoolStats } from './resource-pool.js';
export { DuplexLink, NetworkLink, checkNetworkParams, serializationTime } from './network.js';
export type { Delivery, LinkStats, NetworkParams } from './network.js';
export { CacheModel, checkMemoryParams } from './memory.js';
export type { CacheStats, MemoryParams } from './memory.js';
export { LoadFactor, loadFactorFromUtilization } from './load.js';
export type { LoadStep } from './load.js';
export type { RandomSource } from './random.js';
export {
  PROFILE_FORMAT,
  PROFILE_SOURCES,
  PROFILE_VERSION,
  checkProcessing,
  checkProfile,
  parseProfile,
  serializeProfile,
} from './profile.js';
export type { ProcessingCosts, ProfileMetadata, TimingProfile } from './profile.js';
export { loadProfile, saveProfile } from './profile-file.js';
export { DEFAULT_ACCELERATED_TABLE, DEFAULT_PROFILE, DEFAULT_SOFTWARE_TABLE } from './default-profile.js';
export { fitLinearCost, profileFromMeasurements } from './calibrate.js';
export type { CostSample, Measurements } from './calibrate.js';
export { MS, NS, PS, SEC, US } from './time.js';
export type { SimTime } from './time.js';
