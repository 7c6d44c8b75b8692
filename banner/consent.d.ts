// Types of the policypress consent banner, from the JSDoc in consent.js (which stays the source:
// tests/test_npm_package.py checks that every typedef property and API method is here, alike).

/**
 * The configuration: the JSON in `<script type="application/json" id="policypress-consent">`,
 * or the object given to `init`. policypress writes it from the cookie policy's register.
 */
export interface PolicypressConfig {
  /** The policy revision consent is given to, e.g. "cookies 1.0". */
  revision: string;
  /** A hash of the consent-relevant facts; when it changes, a stored choice no longer counts and the banner asks again. */
  fingerprint: string;
  /** URL of the cookie policy, linked from the banner. */
  notice: string;
  /** Name of the first-party cookie that holds the record. */
  cookie: string;
  /** How long a choice counts (default 182); `init` caps it at 395 (13 months). */
  maxAgeDays?: number;
  /** Language of the strings, for the receipt. */
  language?: string;
  /** E.g. "SE", for the receipt. */
  jurisdiction?: string;
  /** Where each choice is sent as a receipt (`navigator.sendBeacon`); none when empty. */
  endpoint?: string | null;
  /** Whether to set Google Consent Mode v2 in `window.dataLayer`. */
  consentMode?: boolean;
  /** In the order shown; the required ones are always on. */
  categories: PolicypressCategory[];
  /** Every text the banner shows. */
  strings: PolicypressStrings;
}

/** A category of cookies, asked for as one choice. */
export interface PolicypressCategory {
  /** Matches `data-category` on blocked items; the key in `choices`. */
  id: string;
  /** Always on and not switchable ("necessary"); never in `choices`. */
  required?: boolean;
  name: string;
  description: string;
  /** Listed in the settings; removed on withdrawal. */
  cookies?: PolicypressCookie[];
  /** Google Consent Mode types granted while accepted, e.g. ["analytics_storage"]. */
  consentMode?: string[];
  /** DPV purpose terms, for the receipt. */
  dpv?: string[];
  /** E.g. "eu-gdpr:A6-1-a", for the receipt. */
  legalBasis?: string | string[];
}

/** A cookie (or storage key) of a category. */
export interface PolicypressCookie {
  /** A trailing `*` matches every name with that prefix. */
  name: string;
  provider: string;
  /** As people read it, e.g. "6 months". */
  duration: string;
  purpose: string;
  /** "local-storage" or "session-storage" for Web Storage keys; anything else is a cookie. */
  storage?: string;
}

/** The texts of the banner, in the page's language. */
export interface PolicypressStrings {
  /** Heading of the first layer, also announced when it shows. */
  title: string;
  /** Above the list of categories. */
  intro: string;
  /** Instead of `intro` when the browser sends Global Privacy Control. */
  gpc: string;
  acceptAll: string;
  rejectAll: string;
  /** The reject button's label under Global Privacy Control. */
  ok: string;
  settings: string;
  save: string;
  /** Accessible name of the dialog's close button. */
  close: string;
  /** Next to a required category. */
  alwaysOn: string;
  /** Label of a category's list of cookies. */
  cookies: string;
  /** Text of the link to `notice`. */
  policy: string;
  settingsTitle: string;
  settingsIntro: string;
  /** Label of the visitor's consent id, shown (when given) in small print in the settings once there is a choice. */
  recordId?: string;
}

/** A visitor's choice, as kept in the cookie and returned (as a copy) by `get`. */
export interface PolicypressRecord {
  /** Format version: 1. */
  v: number;
  /** 32 random hex digits, kept when the choice changes. */
  id: string;
  /** Time of the first choice, in ms since 1970. */
  first: number;
  /** Time of the latest choice, in ms since 1970. */
  last: number;
  /** `config.revision` when chosen. */
  revision: string;
  /** `config.fingerprint` when chosen. */
  fingerprint: string;
  /** Optional category id -> accepted. */
  choices: Record<string, boolean>;
}

/**
 * The `policypress:consent` event, fired on `document` when what may run changes: its `detail`
 * is a copy of the record, as `get()` returns it, or null when there is no choice that counts.
 */
export type PolicypressConsentEvent = CustomEvent<PolicypressRecord | null>;

/**
 * `window.policypressConsent`, and the exports of the module. Every method but `init` works once
 * `init` has run, which the JSON element does by itself.
 */
export interface PolicypressConsent {
  /** The visitor's choice that counts now: a copy, or null before a choice or when the stored one has lapsed. */
  get(): PolicypressRecord | null;
  /** Whether a category may run now: true for a required or an accepted one, false for an unknown id. */
  has(id: string): boolean;
  /** Shows the first layer (building it the first time) and announces its title. Changes no choice. */
  show(): void;
  /** Opens the settings dialog; when it closes, focus returns to where it was. */
  showSettings(): void;
  /** Forgets the choice, undoes what it allowed and shows the first layer, in every open tab of the site. */
  reset(): void;
  /**
   * Starts the banner (once per page): reads the stored choice, sets Consent Mode's defaults, runs
   * what is accepted, shows the first layer when there is no choice that counts. Called before
   * there is a body, it waits for it. The config is kept, not copied; `maxAgeDays` is capped in place.
   */
  init(config: PolicypressConfig): void;
}

declare const policypressConsent: PolicypressConsent;
export default policypressConsent;

export declare const get: PolicypressConsent["get"];
export declare const has: PolicypressConsent["has"];
export declare const show: PolicypressConsent["show"];
export declare const showSettings: PolicypressConsent["showSettings"];
export declare const reset: PolicypressConsent["reset"];
export declare const init: PolicypressConsent["init"];

declare global {
  interface Window {
    /** The banner's API, set by the classic script and by the module. */
    policypressConsent: PolicypressConsent;
  }
  interface DocumentEventMap {
    "policypress:consent": PolicypressConsentEvent;
  }
}
