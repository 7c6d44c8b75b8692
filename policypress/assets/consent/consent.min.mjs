/* policypress consent banner, MIT licence. Source: banner/ in the policypress repository. */
import"./consent.min.js";const api=window.policypressConsent;export const{get,has,show,showSettings,reset,init}=api;export default api;
