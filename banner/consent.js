/* policypress consent banner: dependency-free, no HTML from strings, no inline styles.
 * Reads its configuration from <script type="application/json" id="policypress-consent">
 * (or policypressConsent.init(config)) and exposes window.policypressConsent.
 * Comments cost nothing: scripts/build_banner.py strips them. */

/**
 * The configuration: the JSON in `<script type="application/json" id="policypress-consent">`,
 * or the object given to `init`. policypress writes it from the cookie policy's register
 * (policypress/core/consent.py).
 * @typedef {object} PolicypressConfig
 * @property {string} revision     The policy revision consent is given to, e.g. "cookies 1.0".
 * @property {string} fingerprint  A hash of the consent-relevant facts; when it changes, a stored
 *   choice no longer counts and the banner asks again.
 * @property {string} notice       URL of the cookie policy, linked from the banner.
 * @property {string} cookie       Name of the first-party cookie that holds the record.
 * @property {number} [maxAgeDays=182]  How long a choice counts; `init` caps it at 395 (13 months).
 * @property {string} [language]   Language of the strings, for the receipt.
 * @property {string} [jurisdiction]  E.g. "SE", for the receipt.
 * @property {?string} [endpoint]  Where each choice is sent as a receipt (`navigator.sendBeacon`);
 *   none when empty.
 * @property {boolean} [consentMode]  Whether to set Google Consent Mode v2 in `window.dataLayer`.
 * @property {PolicypressCategory[]} categories  In the order shown; the required ones are always on.
 * @property {PolicypressStrings} strings  Every text the banner shows.
 */

/**
 * A category of cookies, asked for as one choice.
 * @typedef {object} PolicypressCategory
 * @property {string} id           Matches `data-category` on blocked items; the key in `choices`.
 * @property {boolean} [required]  Always on and not switchable ("necessary"); never in `choices`.
 * @property {string} name
 * @property {string} description
 * @property {PolicypressCookie[]} [cookies]  Listed in the settings; removed on withdrawal.
 * @property {string[]} [consentMode]  Google Consent Mode types granted while accepted,
 *   e.g. ["analytics_storage"].
 * @property {string[]} [dpv]      DPV purpose terms, for the receipt.
 * @property {string|string[]} [legalBasis]  E.g. "eu-gdpr:A6-1-a", for the receipt.
 */

/**
 * A cookie (or storage key) of a category.
 * @typedef {object} PolicypressCookie
 * @property {string} name      A trailing `*` matches every name with that prefix.
 * @property {string} provider
 * @property {string} duration  As people read it, e.g. "6 months".
 * @property {string} purpose
 * @property {string} [storage]  "local-storage" or "session-storage" for Web Storage keys;
 *   anything else is a cookie.
 */

/**
 * The texts of the banner, in the page's language.
 * @typedef {object} PolicypressStrings
 * @property {string} title          Heading of the first layer, also announced when it shows.
 * @property {string} intro          Above the list of categories.
 * @property {string} gpc            Instead of `intro` when the browser sends Global Privacy Control.
 * @property {string} acceptAll
 * @property {string} rejectAll
 * @property {string} ok             The reject button's label under Global Privacy Control.
 * @property {string} settings
 * @property {string} save
 * @property {string} close          Accessible name of the dialog's close button.
 * @property {string} alwaysOn       Next to a required category.
 * @property {string} cookies        Label of a category's list of cookies.
 * @property {string} policy         Text of the link to `notice`.
 * @property {string} settingsTitle
 * @property {string} settingsIntro
 * @property {string} [recordId]   Label of the visitor's consent id, shown (when given) in small print in the
 *   settings once there is a choice, for them to quote when asking what they agreed to.
 */

/**
 * A visitor's choice, as kept in the cookie and returned (as a copy) by `get`.
 * @typedef {object} PolicypressRecord
 * @property {number} v            Format version: 1.
 * @property {string} id           32 random hex digits, kept when the choice changes.
 * @property {number} first        Time of the first choice, in ms since 1970.
 * @property {number} last         Time of the latest choice, in ms since 1970.
 * @property {string} revision     `config.revision` when chosen.
 * @property {string} fingerprint  `config.fingerprint` when chosen.
 * @property {Object<string, boolean>} choices  Optional category id -> accepted.
 */

/**
 * Fired on `document` when what may run changes: after every choice, in this tab or another open
 * tab of the site; after `reset` (in either) when there was a choice; and at `init` when a stored
 * choice counts (`detail` is the record) or has lapsed (`detail` is null). Not fired when there is
 * no choice yet. Also fired when the choice could not be stored (storage blocked): it then holds
 * for this page view.
 * @event policypress:consent
 * @type {PolicypressConsentEvent}
 */

/**
 * The `policypress:consent` event: a CustomEvent whose `detail` is a copy of the record, as
 * `get()` returns it, or null when there is no choice that counts.
 * @typedef {CustomEvent<?PolicypressRecord>} PolicypressConsentEvent
 */

(function () {
  "use strict";
  var D = document, W = window, DAY = 864e5;

  // All that changes while the page lives, in one place.
  var state = {
    config: null,  // PolicypressConfig: set by init; null until then (scan waits for it)
    record: null,  // PolicypressRecord that counts now, or null: set by init, a choice, reset and sync
    gpc: false,    // whether the browser sends Global Privacy Control: set by init
    root: null,    // the first layer (<section>): built by show, then only hidden and shown
    live: null,    // the polite live region that announces it: built with root
    dialog: null,  // the settings <dialog> while open: built by showSettings, null once closed
    back: null,    // where focus was when the settings opened, to return to: set by showSettings
    channel: null  // the BroadcastChannel to the site's other open tabs: opened by init
  };

  // Blocked storage never traps the visitor. Browsers, extensions and sandboxed frames can make
  // document.cookie or localStorage throw; every step that touches them is guarded, so a choice
  // still closes the banner, runs what it allows, fires the event and sends the receipt. It then
  // holds for this page view (and the tabs open now) only, and later pages ask again.

  // --- the consent record, kept in one first-party cookie ---------------------------------

  function read() {
    try {
      var pair = D.cookie.split("; ").filter(function (c) { return c.indexOf(state.config.cookie + "=") === 0; })[0];
      if (!pair || pair.length > 2048) return null;
      var r = JSON.parse(decodeURIComponent(pair.slice(state.config.cookie.length + 1)));
      if (!r || typeof r.id != "string" || typeof r.first != "number" || typeof r.last != "number" ||
          typeof r.choices != "object" || !r.choices) return null;
      for (var k in r.choices) if (typeof r.choices[k] != "boolean") return null;
      return r;
    } catch (e) { return null; }
  }

  // A record counts when it was given for today's consent facts and is not too old.
  function current(r) {
    var age = Date.now() - (r ? r.last : 0);
    return r && r.fingerprint === state.config.fingerprint && age >= -DAY && age < state.config.maxAgeDays * DAY ? r : null;
  }

  // Stores the record (or, given null, deletes it) and tells the site's other open tabs.
  function write(r) {
    if (state.channel) state.channel.postMessage(r);
    try {
      D.cookie = state.config.cookie + "=" + (r ? encodeURIComponent(JSON.stringify(r)) : "") + "; Path=/; SameSite=Lax; Max-Age=" +
        (r ? Math.round(state.config.maxAgeDays * 86400) : 0) + (location.protocol == "https:" ? "; Secure" : "");
    } catch (e) {}
  }

  // A choice made (or reset) in another tab applies here at once, without a reload: what it
  // allows runs, what it withdraws is undone, the event fires; no cookie is written and no
  // receipt sent here, the other tab did that. A BroadcastChannel, not the `storage` event (it
  // needs localStorage, which the banner does not use and which may be blocked) nor cookie
  // change events (`cookieStore` is not in every browser): it works in every current browser,
  // same-origin only, and needs no storage, so it works even when cookies are blocked. The
  // message is checked like a stored record: one for other consent facts counts as no choice.
  function sync(event) {
    var before = state.record;
    state.record = current(event.data);
    hide();
    if (before || state.record) apply(before ? before.choices : {});
    if (!state.record) api.show();
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    W.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function optional() { return state.config.categories.filter(function (c) { return !c.required; }); }

  function has(id) {
    var c = state.config.categories.filter(function (c) { return c.id === id; })[0];
    if (!c) return false;
    return !!(c.required || (state.record && state.record.choices[id] === true));
  }

  // --- what a choice does -------------------------------------------------------------------

  function choose(choices, method) {
    var before = state.record, now = Date.now();
    state.record = {
      v: 1, id: before ? before.id : randomId(), first: before ? before.first : now, last: now,
      revision: state.config.revision, fingerprint: state.config.fingerprint, choices: choices
    };
    write(state.record);
    hide();
    apply(before ? before.choices : {});
    receipt(method);
  }

  function all(value) {
    var choices = {};
    optional().forEach(function (c) { choices[c.id] = value; });
    return choices;
  }

  function apply(previous) {
    optional().forEach(function (c) {
      if (has(c.id)) activate(c.id);
      else if (previous[c.id]) withdraw(c);
    });
    if (state.config.consentMode) gtag("consent", "update", modes());
    if (state.record && W.__md_set) {  // Material for MkDocs' own consent key, for its analytics
      var material = { analytics: false };
      optional().forEach(function (c) {
        material[c.id] = has(c.id);
        if (has(c.id) && (c.consentMode || []).indexOf("analytics_storage") >= 0) material.analytics = true;
      });
      try { W.__md_set("__consent", material); } catch (e) {}  // throws when localStorage is blocked
    }
    D.dispatchEvent(new CustomEvent("policypress:consent", { detail: api.get() }));
  }

  // Blocked scripts run once, blocked frames and images load, when their category is accepted.
  function activate(id) {
    D.querySelectorAll('script[type="text/plain"][data-category="' + id + '"]').forEach(function (old) {
      if (old.hasAttribute("data-pp-done")) return;
      old.setAttribute("data-pp-done", "");
      var s = D.createElement("script");
      Array.prototype.forEach.call(old.attributes, function (a) {
        if (a.name != "type" && a.name.indexOf("data-") !== 0) s.setAttribute(a.name, a.value);
      });
      if (old.getAttribute("data-type")) s.type = old.getAttribute("data-type");
      if (old.nonce) s.nonce = old.nonce;
      if (!old.src) s.text = old.text;
      old.after(s);
    });
    D.querySelectorAll('[data-src][data-category="' + id + '"]').forEach(function (e) {
      if (e.getAttribute("src") != e.getAttribute("data-src")) e.setAttribute("src", e.getAttribute("data-src"));
    });
  }

  // Settings buttons show and blocked items of accepted categories run, also those parsed later
  // (the same listener is never added twice; an item runs once).
  function scan() {
    if (!state.config) return;
    D.querySelectorAll("[data-pp-consent-settings]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", api.showSettings);
    });
    optional().forEach(function (c) { if (has(c.id)) activate(c.id); });
  }

  // Withdrawal removes the category's cookies and storage and unloads its frames.
  function withdraw(c) {
    (c.cookies || []).forEach(function (k) {
      var prefix = /\*$/.test(k.name), name = k.name.replace(/\*$/, "");
      // Never the record itself, whatever a category lists (policypress refuses such a list).
      function match(n) { return n != state.config.cookie && (prefix ? n.indexOf(name) === 0 : n === name); }
      try {
        if (k.storage == "local-storage" || k.storage == "session-storage") {
          var store = k.storage == "local-storage" ? W.localStorage : W.sessionStorage;
          Object.keys(store).filter(match).forEach(function (n) { store.removeItem(n); });
          return;
        }
        D.cookie.split("; ").map(function (p) { return p.split("=")[0]; }).filter(match).forEach(function (n) {
          domains().forEach(function (d) { D.cookie = n + "=; Max-Age=0; Path=/" + (d ? "; Domain=" + d : ""); });
        });
      } catch (e) {}
    });
    D.querySelectorAll('[data-src][data-category="' + c.id + '"]').forEach(function (e) {
      e.setAttribute("src", "about:blank");
    });
  }

  function domains() {
    var parts = location.hostname.split("."), list = [""];
    for (var i = 0; i < parts.length - 1; i++) list.push("." + parts.slice(i).join("."));
    return list;
  }

  // Google Consent Mode v2: everything denied until a category that grants it is accepted.
  function gtag() { (W.dataLayer = W.dataLayer || []).push(arguments); }

  function modes() {
    var m = { ad_storage: "denied", analytics_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" };
    optional().forEach(function (c) {
      (c.consentMode || []).forEach(function (t) { if (has(c.id)) m[t] = "granted"; else if (!m[t]) m[t] = "denied"; });
    });
    return m;
  }

  // An ISO/IEC TS 27560-shaped receipt, sent only when the site names an endpoint.
  function receipt(method) {
    if (!state.config.endpoint || !navigator.sendBeacon) return;
    var body = {
      schema: "ISO/IEC TS 27560 consent record (policypress)", record_id: state.record.id,
      timestamp: new Date(state.record.last).toISOString(), first_timestamp: new Date(state.record.first).toISOString(),
      method: method, language: state.config.language, jurisdiction: state.config.jurisdiction,
      notice: { url: state.config.notice, revision: state.config.revision, fingerprint: state.config.fingerprint },
      purposes: state.config.categories.map(function (c) {
        return { id: c.id, name: c.name, dpv: c.dpv, legal_basis: c.legalBasis,
                 status: c.required ? "not-required" : has(c.id) ? "given" : "refused" };
      })
    };
    try { navigator.sendBeacon(state.config.endpoint, new Blob([JSON.stringify(body)], { type: "application/json" })); } catch (e) {}
  }

  // --- interface: built with createElement, text only as text ---------------------------------

  function el(tag, attrs) {
    var e = D.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null && attrs[k] !== false) e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    for (var i = 2; i < arguments.length; i++) if (arguments[i] != null) e.append(arguments[i]);
    return e;
  }

  function button(action, label) { return el("button", { type: "button", "class": "ppc-button", "data-ppc": action }, label); }

  function actions(list) {
    var t = state.config.strings;
    return el.apply(null, ["div", { "class": "ppc-actions" }].concat(list.map(function (a) {
      return button(a, t[{ all: "acceptAll", none: "rejectAll", settings: "settings", save: "save" }[a]]);
    })));
  }

  function banner() {
    var t = state.config.strings;
    var list = el("ul", { "class": "ppc-list" });
    optional().forEach(function (c) { list.append(el("li", null, el("strong", null, c.name), ": ", c.description)); });
    state.root = el("section", { "class": "ppc", "aria-labelledby": "ppc-title", hidden: true },
      el("p", { id: "ppc-title", "class": "ppc-title" }, t.title),
      el("p", null, state.gpc ? t.gpc : t.intro), list,
      actions(state.gpc ? ["settings", "none"] : ["all", "none", "settings"]),
      el("p", null, el("a", { href: state.config.notice }, t.policy)));
    if (state.gpc) state.root.querySelector('[data-ppc="none"]').textContent = t.ok;
    state.live = el("p", { "class": "ppc-hidden", "aria-live": "polite" });
    state.root.addEventListener("click", click);
    // First in the page, so keyboard users reach it at once; but after a skip link, which
    // must stay the first link to work (and to count as one).
    var skip = D.querySelector('a[href^="#"]'), page = D.querySelector('a[href]:not([href^="#"])'), at = skip;
    while (at && at.parentNode != D.body) at = at.parentNode;
    if (at && (!page || page.compareDocumentPosition(skip) & 2)) at.after(state.root, state.live);
    else D.body.prepend(state.root, state.live);
  }

  function settings() {
    var t = state.config.strings;
    state.dialog = el("dialog", { "class": "ppc-dialog", "aria-labelledby": "ppc-dtitle" },
      el("h2", { id: "ppc-dtitle" }, t.settingsTitle), el("p", null, t.settingsIntro));
    state.config.categories.forEach(function (c) {
      var id = "ppc-" + c.id, cookies = el("ul", { "class": "ppc-cookies" });
      (c.cookies || []).forEach(function (k) {
        cookies.append(el("li", null, el("code", null, k.name), " · " + k.provider + " · " + k.duration + " · " + k.purpose));
      });
      state.dialog.append(el("div", { "class": "ppc-category" },
        el("div", { "class": "ppc-row" },
          el("input", { type: "checkbox", role: "switch", id: id, "data-category": c.id, checked: has(c.id),
                        disabled: !!c.required, "aria-describedby": id + "-d" }),
          el("label", { "for": id }, c.name), c.required ? el("span", { "class": "ppc-always" }, t.alwaysOn) : null),
        el("p", { id: id + "-d" }, c.description),
        (c.cookies || []).length ? el("details", null, el("summary", null, t.cookies + " (" + c.cookies.length + ")"), cookies) : null));
    });
    state.dialog.append(actions(["save", "all", "none"]), el("button", { type: "button", "class": "ppc-close", "data-ppc": "close", "aria-label": t.close }, "×"));
    // The consent id in small print, for the visitor to quote (the receipts service finds it).
    if (state.record && t.recordId) state.dialog.append(el("p", { "class": "ppc-id" }, t.recordId + ": " + state.record.id));
    state.dialog.addEventListener("click", click);
    state.dialog.addEventListener("close", closed);
    D.body.append(state.dialog);
  }

  function click(event) {
    var action = event.target.closest && event.target.closest("[data-ppc]");
    action = action && action.getAttribute("data-ppc");
    if (action == "all") choose(all(true), "accept-all");
    else if (action == "none") choose(all(false), state.gpc && !state.dialog ? "gpc" : "reject-all");
    else if (action == "settings") api.showSettings();
    else if (action == "close") state.dialog.close();
    else if (action == "save") {
      var choices = {};
      state.dialog.querySelectorAll("input[data-category]:not([disabled])").forEach(function (i) {
        choices[i.getAttribute("data-category")] = i.checked;
      });
      choose(choices, state.record ? "settings-change" : "settings");
    }
  }

  // After a choice the banner goes; focus returns to where settings were opened from, or to
  // the main content, never to nowhere.
  function hide() {
    var inside = state.root && state.root.contains(D.activeElement);
    if (state.root) state.root.hidden = true;
    if (state.dialog) state.dialog.close();
    else if (inside) focusMain();
  }

  function closed() {
    state.dialog.remove();
    state.dialog = null;
    var back = state.back, root = state.root;
    if (back && back.isConnected && !(root && root.hidden && root.contains(back))) back.focus();
    else focusMain();
  }

  function focusMain() {
    var main = D.querySelector("main, [role=main]") || D.body;
    if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
    main.focus({ preventScroll: true });
  }

  // --- public API ------------------------------------------------------------------------------

  /**
   * `window.policypressConsent`, and the exports of consent.mjs. Every method but `init` works
   * once `init` has run, which the JSON element does by itself.
   * @namespace
   * @alias policypressConsent
   */
  var api = {
    /**
     * The visitor's choice that counts now.
     * @returns {?PolicypressRecord} A copy (changing it changes nothing), or null before a choice
     *   or when the stored one has lapsed.
     */
    get: function () { return state.record ? JSON.parse(JSON.stringify(state.record)) : null; },
    /**
     * Whether a category may run now.
     * @function
     * @param {string} id  A category's id.
     * @returns {boolean} True for a required category, or an accepted one; false for an unknown id.
     */
    has: has,
    /**
     * Shows the first layer (building it the first time) and announces its title. Changes no choice.
     * @returns {void}
     */
    show: function () {
      if (!state.root) banner();
      state.root.hidden = false;
      setTimeout(function () { state.live.textContent = state.config.strings.title; }, 100);
    },
    /**
     * Opens the settings dialog; when it closes, focus returns to where it was.
     * Also the click handler of every `[data-pp-consent-settings]` element.
     * @returns {void}
     */
    showSettings: function () {
      state.back = D.activeElement;
      if (!state.dialog) settings();
      if (!state.dialog.open) state.dialog.showModal();
    },
    /**
     * Forgets the choice: deletes the cookie, undoes what it allowed (as a withdrawal does), fires
     * `policypress:consent` with null when there was a choice, and shows the first layer; the
     * site's other open tabs do the same.
     * @fires policypress:consent
     * @returns {void}
     */
    reset: function () {
      var before = state.record;
      state.record = null;
      write(null);
      if (before) apply(before.choices);
      api.show();
    },
    /**
     * Starts the banner: reads the stored choice, sets Consent Mode's defaults, runs what is
     * accepted, shows the first layer when there is no choice that counts, and from then on
     * follows choices made in the site's other open tabs. Once per page; the JSON element calls
     * it by itself. Called before there is a body (a script in the head), it waits for the body;
     * blocked items and settings buttons the parser reaches later are picked up when the
     * document is complete.
     * @param {PolicypressConfig} config  Kept, not copied; `maxAgeDays` is capped in place.
     * @fires policypress:consent
     * @returns {void}
     */
    init: function (config) {
      if (!D.body) return D.addEventListener("DOMContentLoaded", function () { api.init(config); });
      state.config = config;
      config.maxAgeDays = Math.min(config.maxAgeDays || 182, 395);  // never more than 13 months
      state.gpc = navigator.globalPrivacyControl === true;
      if (W.BroadcastChannel) (state.channel = new BroadcastChannel("policypress:" + config.cookie)).onmessage = sync;
      var stored = read();
      state.record = current(stored);
      if (state.config.consentMode) gtag("consent", "default", modes());
      scan();
      if (D.readyState == "loading") D.addEventListener("DOMContentLoaded", scan);
      if (state.record) apply({});
      else {
        if (stored) apply(stored.choices);  // a lapsed consent: undo what it allowed
        api.show();
      }
    }
  };

  W.policypressConsent = api;
  var data = D.getElementById("policypress-consent");
  // At the end of the body the banner starts at once and shows with the first paint (init picks
  // up what the parser reaches after this script when the document is complete).
  if (data) api.init(JSON.parse(data.textContent));
})();
