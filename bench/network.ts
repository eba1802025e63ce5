/** The network part of `npm run bench`; the parts live in bench/network/. */
export { benchNetwork } from './network/index.js';
