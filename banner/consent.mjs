// The consent banner as an ES module: the same code as consent.js, with its API as exports.
// Types and methods are documented in consent.js (PolicypressConfig, PolicypressRecord, the
// policypress:consent event). Without the JSON element nothing starts by itself: call init.
import "./consent.js";

/** @type {typeof window.policypressConsent} */
const api = window.policypressConsent;
export const { get, has, show, showSettings, reset, init } = api;
export default api;
