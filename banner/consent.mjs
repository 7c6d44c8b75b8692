// The consent banner as an ES module: the same code as consent.js, with its API as exports.
import "./consent.js";

const api = window.policypressConsent;
export const { get, has, show, showSettings, reset, init } = api;
export default api;
