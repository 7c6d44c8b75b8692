/* policypress consent banner: dependency-free, no HTML from strings, no inline styles.
 * Reads its configuration from <script type="application/json" id="policypress-consent">
 * (or policypressConsent.init(config)) and exposes window.policypressConsent. */
(function () {
  "use strict";
  var D = document, W = window, DAY = 864e5;
  var cfg, record, gpc, root, dialog, live, back;

  // --- the consent record, kept in one first-party cookie ---------------------------------

  function read() {
    try {
      var pair = D.cookie.split("; ").filter(function (c) { return c.indexOf(cfg.cookie + "=") === 0; })[0];
      if (!pair || pair.length > 2048) return null;
      var r = JSON.parse(decodeURIComponent(pair.slice(cfg.cookie.length + 1)));
      if (!r || typeof r.id != "string" || typeof r.first != "number" || typeof r.last != "number" ||
          typeof r.choices != "object" || !r.choices) return null;
      for (var k in r.choices) if (typeof r.choices[k] != "boolean") return null;
      return r;
    } catch (e) { return null; }
  }

  // A record counts when it was given for today's consent facts and is not too old.
  function current(r) {
    var age = Date.now() - (r ? r.last : 0);
    return r && r.fingerprint === cfg.fingerprint && age >= -DAY && age < cfg.maxAgeDays * DAY ? r : null;
  }

  function write(r) {
    D.cookie = cfg.cookie + "=" + encodeURIComponent(JSON.stringify(r)) + "; Path=/; SameSite=Lax; Max-Age=" +
      Math.round(cfg.maxAgeDays * 86400) + (location.protocol == "https:" ? "; Secure" : "");
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    W.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function optional() { return cfg.categories.filter(function (c) { return !c.required; }); }

  function has(id) {
    var c = cfg.categories.filter(function (c) { return c.id === id; })[0];
    if (!c) return false;
    return !!(c.required || (record && record.choices[id] === true));
  }

  // --- what a choice does -------------------------------------------------------------------

  function choose(choices, method) {
    var before = record, now = Date.now();
    record = {
      v: 1, id: before ? before.id : randomId(), first: before ? before.first : now, last: now,
      revision: cfg.revision, fingerprint: cfg.fingerprint, choices: choices
    };
    write(record);
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
    if (cfg.consentMode) gtag("consent", "update", modes());
    if (record && W.__md_set) {  // Material for MkDocs' own consent key, for its analytics
      var material = { analytics: false };
      optional().forEach(function (c) {
        material[c.id] = has(c.id);
        if (has(c.id) && (c.consentMode || []).indexOf("analytics_storage") >= 0) material.analytics = true;
      });
      W.__md_set("__consent", material);
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
    if (!cfg) return;
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
      function match(n) { return prefix ? n.indexOf(name) === 0 : n === name; }
      if (k.storage == "local-storage" || k.storage == "session-storage") {
        var store = k.storage == "local-storage" ? W.localStorage : W.sessionStorage;
        Object.keys(store).filter(match).forEach(function (n) { store.removeItem(n); });
        return;
      }
      D.cookie.split("; ").map(function (p) { return p.split("=")[0]; }).filter(match).forEach(function (n) {
        domains().forEach(function (d) { D.cookie = n + "=; Max-Age=0; Path=/" + (d ? "; Domain=" + d : ""); });
      });
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
    if (!cfg.endpoint || !navigator.sendBeacon) return;
    var body = {
      schema: "ISO/IEC TS 27560 consent record (policypress)", record_id: record.id,
      timestamp: new Date(record.last).toISOString(), first_timestamp: new Date(record.first).toISOString(),
      method: method, language: cfg.language, jurisdiction: cfg.jurisdiction,
      notice: { url: cfg.notice, revision: cfg.revision, fingerprint: cfg.fingerprint },
      purposes: cfg.categories.map(function (c) {
        return { id: c.id, name: c.name, dpv: c.dpv, legal_basis: c.legalBasis,
                 status: c.required ? "not-required" : has(c.id) ? "given" : "refused" };
      })
    };
    navigator.sendBeacon(cfg.endpoint, new Blob([JSON.stringify(body)], { type: "application/json" }));
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
    var t = cfg.strings;
    return el.apply(null, ["div", { "class": "ppc-actions" }].concat(list.map(function (a) {
      return button(a, t[{ all: "acceptAll", none: "rejectAll", settings: "settings", save: "save" }[a]]);
    })));
  }

  function banner() {
    var t = cfg.strings;
    var list = el("ul", { "class": "ppc-list" });
    optional().forEach(function (c) { list.append(el("li", null, el("strong", null, c.name), ": ", c.description)); });
    root = el("section", { "class": "ppc", "aria-labelledby": "ppc-title", hidden: true },
      el("p", { id: "ppc-title", "class": "ppc-title" }, t.title),
      el("p", null, gpc ? t.gpc : t.intro), list,
      actions(gpc ? ["settings", "none"] : ["all", "none", "settings"]),
      el("p", null, el("a", { href: cfg.notice }, t.policy)));
    if (gpc) root.querySelector('[data-ppc="none"]').textContent = t.ok;
    live = el("p", { "class": "ppc-hidden", "aria-live": "polite" });
    root.addEventListener("click", click);
    // First in the page, so keyboard users reach it at once; but after a skip link, which
    // must stay the first link to work (and to count as one).
    var skip = D.querySelector('a[href^="#"]'), page = D.querySelector('a[href]:not([href^="#"])'), at = skip;
    while (at && at.parentNode != D.body) at = at.parentNode;
    if (at && (!page || page.compareDocumentPosition(skip) & 2)) at.after(root, live);
    else D.body.prepend(root, live);
  }

  function settings() {
    var t = cfg.strings;
    dialog = el("dialog", { "class": "ppc-dialog", "aria-labelledby": "ppc-dtitle" },
      el("h2", { id: "ppc-dtitle" }, t.settingsTitle), el("p", null, t.settingsIntro));
    cfg.categories.forEach(function (c) {
      var id = "ppc-" + c.id, cookies = el("ul", { "class": "ppc-cookies" });
      (c.cookies || []).forEach(function (k) {
        cookies.append(el("li", null, el("code", null, k.name), " · " + k.provider + " · " + k.duration + " · " + k.purpose));
      });
      dialog.append(el("div", { "class": "ppc-category" },
        el("div", { "class": "ppc-row" },
          el("input", { type: "checkbox", role: "switch", id: id, "data-category": c.id, checked: has(c.id),
                        disabled: !!c.required, "aria-describedby": id + "-d" }),
          el("label", { "for": id }, c.name), c.required ? el("span", { "class": "ppc-always" }, t.alwaysOn) : null),
        el("p", { id: id + "-d" }, c.description),
        (c.cookies || []).length ? el("details", null, el("summary", null, t.cookies + " (" + c.cookies.length + ")"), cookies) : null));
    });
    dialog.append(actions(["save", "all", "none"]), el("button", { type: "button", "class": "ppc-close", "data-ppc": "close", "aria-label": t.close }, "×"));
    dialog.addEventListener("click", click);
    dialog.addEventListener("close", closed);
    D.body.append(dialog);
  }

  function click(event) {
    var action = event.target.closest && event.target.closest("[data-ppc]");
    action = action && action.getAttribute("data-ppc");
    if (action == "all") choose(all(true), "accept-all");
    else if (action == "none") choose(all(false), gpc && !dialog ? "gpc" : "reject-all");
    else if (action == "settings") api.showSettings();
    else if (action == "close") dialog.close();
    else if (action == "save") {
      var choices = {};
      dialog.querySelectorAll("input[data-category]:not([disabled])").forEach(function (i) {
        choices[i.getAttribute("data-category")] = i.checked;
      });
      choose(choices, record ? "settings-change" : "settings");
    }
  }

  // After a choice the banner goes; focus returns to where settings were opened from, or to
  // the main content, never to nowhere.
  function hide() {
    var inside = root && root.contains(D.activeElement);
    if (root) root.hidden = true;
    if (dialog) dialog.close();
    else if (inside) focusMain();
  }

  function closed() {
    dialog.remove();
    dialog = null;
    if (back && back.isConnected && !(root && root.hidden && root.contains(back))) back.focus();
    else focusMain();
  }

  function focusMain() {
    var main = D.querySelector("main, [role=main]") || D.body;
    if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1");
    main.focus({ preventScroll: true });
  }

  // --- public API ------------------------------------------------------------------------------

  var api = {
    get: function () { return record ? JSON.parse(JSON.stringify(record)) : null; },
    has: has,
    show: function () {
      if (!root) banner();
      root.hidden = false;
      setTimeout(function () { live.textContent = cfg.strings.title; }, 100);
    },
    showSettings: function () {
      back = D.activeElement;
      if (!dialog) settings();
      if (!dialog.open) dialog.showModal();
    },
    reset: function () {
      var before = record;
      D.cookie = cfg.cookie + "=; Max-Age=0; Path=/";
      record = null;
      if (before) apply(before.choices);
      api.show();
    },
    init: function (config) {
      cfg = config;
      cfg.maxAgeDays = Math.min(cfg.maxAgeDays || 182, 395);  // never more than 13 months
      gpc = navigator.globalPrivacyControl === true;
      var stored = read();
      record = current(stored);
      if (cfg.consentMode) gtag("consent", "default", modes());
      scan();
      if (record) apply({});
      else {
        if (stored) apply(stored.choices);  // a lapsed consent: undo what it allowed
        api.show();
      }
    }
  };

  W.policypressConsent = api;
  var data = D.getElementById("policypress-consent");
  if (data) {
    var start = function () { api.init(JSON.parse(data.textContent)); };
    // At the end of the body the banner starts at once and shows with the first paint; what the
    // parser reaches after this script is picked up when the document is complete.
    if (D.readyState != "loading") start();
    else if (D.body) { start(); D.addEventListener("DOMContentLoaded", scan); }
    else D.addEventListener("DOMContentLoaded", start);
  }
})();
