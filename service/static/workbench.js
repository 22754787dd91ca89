/* The query page: YASGUI (vendored from npm) set up for this endpoint, offline.
 *
 * - completion from this service only: its prefix map, and the classes and properties of
 *   /ontology (labels in the page's language beside the CURIE) and of the VoID description
 *   (classes with their number of entities); YASQE's stock completers, which ask
 *   lov.linkeddata.es and prefix.cc, are not used;
 * - results: YASR's table (paging, sorting; IRIs link to this service's pages), a chart
 *   view (Chart.js) for numeric columns, CSV/JSON downloads from the endpoint;
 * - the query in the URL (YASGUI's share link), the example queries, a local history.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("workbench-data").textContent);
  var M = data.messages;
  var root = data.root;
  var base = data.base;
  var ONTOLOGY = "https://w3id.org/jixiao/ontology";
  var CATEGORIES = "https://w3id.org/jixiao/indicator-category";
  var HISTORY_KEY = "jixiao.history";
  var HISTORY_MAX = 30;
  var statusLine = document.getElementById("status");
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "status" + (kind ? " " + kind : "");
  }

  // ── links to this service's pages ─────────────────────────────────────────────────────

  function encodePath(text) {
    return encodeURI(text).replace(/#/g, "%23").replace(/\?/g, "%3F");
  }

  function hrefFor(iri) {
    if (iri.indexOf(base) === 0 && iri.length > base.length) {
      return root + "/id/" + encodePath(iri.slice(base.length));
    }
    if (iri.indexOf(ONTOLOGY + "#") === 0) return root + "/ontology#" + iri.slice(ONTOLOGY.length + 1);
    if (iri === ONTOLOGY) return root + "/ontology";
    if (iri.indexOf(CATEGORIES + "/") === 0) {
      return root + "/ontology#category-" + iri.slice(CATEGORIES.length + 1);
    }
    return iri;
  }

  function localiseLinks(element) {
    element.querySelectorAll("a.iri").forEach(function (a) {
      var iri = a.getAttribute("data-iri") || a.getAttribute("href");
      var href = hrefFor(iri);
      a.setAttribute("data-iri", iri);
      a.setAttribute("title", iri);
      if (href !== iri) {
        a.setAttribute("href", href);
        a.removeAttribute("target");
      } else {
        a.classList.add("external");
      }
    });
  }

  // ── completion from this endpoint ─────────────────────────────────────────────────────

  var vocabulary = { classes: {}, properties: {} };  // IRI → {label, count}
  var RDFS = "http://www.w3.org/2000/01/rdf-schema#";
  var OWL = "http://www.w3.org/2002/07/owl#";
  var RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
  var VOID = "http://rdfs.org/ns/void#";
  var SKOS = "http://www.w3.org/2004/02/skos/core#";

  function pickLabel(values) {
    // the page's language first, the other one as fallback
    if (!values || !values.length) return "";
    var wanted = [data.lang, data.lang === "zh" ? "en" : "zh", undefined];
    for (var i = 0; i < wanted.length; i++) {
      for (var j = 0; j < values.length; j++) {
        var language = (values[j]["@language"] || "").split("-")[0] || undefined;
        if (language === wanted[i]) return values[j]["@value"];
      }
    }
    return values[0]["@value"] || "";
  }

  function nodes(json) {
    if (Array.isArray(json)) return json;
    return json["@graph"] || [json];
  }

  function fetchJsonLd(url) {
    return fetch(url, { headers: { Accept: "application/ld+json" } }).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json();
    });
  }

  function addTerm(kind, iri, label) {
    var entry = vocabulary[kind][iri] || (vocabulary[kind][iri] = { label: "", count: null });
    if (label && !entry.label) entry.label = label;
    return entry;
  }

  var vocabularyReady = Promise.all([
    fetchJsonLd(root + "/ontology.jsonld").then(function (json) {
      nodes(json).forEach(function (node) {
        var types = node["@type"] || [];
        var label = pickLabel(node[RDFS + "label"] || node[SKOS + "prefLabel"]);
        if (types.indexOf(OWL + "Class") >= 0) addTerm("classes", node["@id"], label);
        if (types.indexOf(OWL + "ObjectProperty") >= 0 || types.indexOf(OWL + "DatatypeProperty") >= 0 ||
            types.indexOf(RDF + "Property") >= 0 || types.indexOf(OWL + "AnnotationProperty") >= 0) {
          addTerm("properties", node["@id"], label);
        }
      });
    }),
    fetchJsonLd(root + "/.well-known/void").then(function (json) {
      nodes(json).forEach(function (node) {
        (node[VOID + "class"] || []).forEach(function (c) {
          var entities = node[VOID + "entities"];
          addTerm("classes", c["@id"]).count = entities ? Number(entities[0]["@value"]) : null;
        });
        (node[VOID + "property"] || []).forEach(function (p) { addTerm("properties", p["@id"]); });
      });
    }),
  ]).then(function () {
    data.outsideTerms.forEach(function (term) { addTerm(term.kind, term.iri, term.label); });
  }).catch(function (error) {
    setStatus(M.vocabularyFailed + " " + error.message, "error");
  });

  function termCompleter(name, kind, base) {
    return {
      name: name,
      bulk: false,
      autoShow: false,
      isValidCompletionPosition: Yasqe.Autocompleters[base].isValidCompletionPosition,
      preProcessToken: Yasqe.Autocompleters[base].preProcessToken,
      postProcessSuggestion: Yasqe.Autocompleters[base].postProcessSuggestion,
      get: function (yasqe, token) {
        var wanted = (token && token.autocompletionString) || "";
        return vocabularyReady.then(function () {
          return Object.keys(vocabulary[kind]).filter(function (iri) {
            return iri.indexOf(wanted) === 0;
          }).sort();
        });
      },
      postprocessHints: function (yasqe, hints) {
        var prefixes = yasqe.getPrefixesFromQuery();
        return hints.map(function (hint) {
          var iri = hint.text;
          var colon = iri.indexOf(":");
          if (iri[0] === "<") iri = iri.slice(1, -1);
          else if (colon > 0 && prefixes[iri.slice(0, colon)]) iri = prefixes[iri.slice(0, colon)] + iri.slice(colon + 1);
          var entry = vocabulary[kind][iri] || {};
          var note = entry.label || "";
          if (entry.count !== null && entry.count !== undefined) note += (note ? " · " : "") + entry.count;
          hint.displayText = note ? hint.text + "  " + note : hint.text;
          hint.render = function (element) {
            var code = document.createElement("span");
            code.className = "hint-curie";
            code.textContent = hint.text;
            element.appendChild(code);
            if (note) {
              var label = document.createElement("span");
              label.className = "hint-label";
              label.textContent = note;
              element.appendChild(label);
            }
          };
          return hint;
        });
      },
    };
  }

  var prefixList = Object.keys(data.prefixes).sort().map(function (name) {
    return name + ": <" + data.prefixes[name] + ">";
  });
  Yasqe.registerAutocompleter(Object.assign({}, Yasqe.Autocompleters.prefixes, {
    name: "jixiao-prefixes", persistenceId: null, get: function () { return prefixList; },
  }), false);
  Yasqe.registerAutocompleter(termCompleter("jixiao-classes", "classes", "class"), false);
  Yasqe.registerAutocompleter(termCompleter("jixiao-properties", "properties", "property"), false);

  // ── results: words, table links, a chart ──────────────────────────────────────────────

  var Table = Yasr.plugins.table;
  Table.defaults.openIriInNewWindow = false;
  Table.defaults.tableConfig.language = Object.assign({}, Table.defaults.tableConfig.language, data.tableWords);
  class LocalTable extends Table {
    constructor(yasr) {
      super(yasr);
      this.label = M.table;
      this.helpReference = undefined;
      this.persistentConfig = { compact: true };  // values as they are, without quotes and types
    }
    drawControls() {
      super.drawControls();
      var controls = this.yasr.pluginControls;
      var texts = controls.querySelectorAll(".switch .label");
      if (texts[0]) texts[0].textContent = M.simpleView;
      if (texts[1]) texts[1].textContent = M.ellipse;
      var filter = controls.querySelector(".tableFilter");
      if (filter) { filter.placeholder = M.filter; filter.setAttribute("aria-label", M.filter); }
      var sizer = controls.querySelector(".pageSizerLabel");
      if (sizer) sizer.textContent = M.pageSize;
      var all = controls.querySelector('.tableSizer option[value="-1"]');
      if (all) all.textContent = M.all;
    }
  }
  LocalTable.defaults = Table.defaults;
  Yasr.registerPlugin("table", LocalTable);
  var Response = Yasr.plugins.response;
  class LocalResponse extends Response {
    constructor(yasr) { super(yasr); this.label = M.response; this.helpReference = undefined; }
  }
  LocalResponse.defaults = Response.defaults;
  Yasr.registerPlugin("response", LocalResponse);

  function numeric(binding) {
    return binding && binding.type !== "uri" && binding.type !== "bnode" &&
      binding.value !== "" && isFinite(Number(binding.value));
  }

  function display(binding) {
    if (!binding) return "";
    if (binding.type === "uri") {
      for (var name in data.prefixes) {
        var ns = data.prefixes[name];
        if (binding.value.indexOf(ns) === 0) return name + ":" + binding.value.slice(ns.length);
      }
    }
    return binding.value;
  }

  class ChartPlugin {
    constructor(yasr) {
      this.yasr = yasr;
      this.priority = 5;
      this.label = M.chart;
      this.chart = null;
      this.x = null;
      this.y = null;
    }
    numericColumns() {
      var rows = this.yasr.results.getBindings() || [];
      return this.yasr.results.getVariables().filter(function (v) {
        var filled = rows.filter(function (row) { return row[v]; });
        return filled.length > 0 && filled.every(function (row) { return numeric(row[v]); });
      });
    }
    canHandleResults() {
      var results = this.yasr.results;
      if (!results || !results.getVariables || !results.getBindings) return false;
      var variables = results.getVariables() || [];
      return variables.length >= 2 && (results.getBindings() || []).length > 0 &&
        this.numericColumns().length > 0;
    }
    getIcon() {
      var icon = document.createElement("div");
      icon.className = "chart-icon";
      icon.textContent = "▮▮";
      return icon;
    }
    select(name, options, chosen, onChange) {
      var label = document.createElement("label");
      label.className = "chart-choice";
      label.appendChild(document.createTextNode(name + " "));
      var select = document.createElement("select");
      options.forEach(function (option) {
        var o = document.createElement("option");
        o.value = option; o.textContent = "?" + option; o.selected = option === chosen;
        select.appendChild(o);
      });
      select.addEventListener("change", function () { onChange(select.value); });
      label.appendChild(select);
      return label;
    }
    draw() {
      var self = this;
      var variables = this.yasr.results.getVariables();
      var numbers = this.numericColumns();
      // by default the first column (a year, a category) against the first numeric one after it
      if (variables.indexOf(this.x) < 0) this.x = variables[0];
      var ys = numbers.filter(function (v) { return v !== self.x; });
      if (numbers.indexOf(this.y) < 0) this.y = ys[0] || numbers[0];
      var controls = document.createElement("div");
      controls.className = "chart-controls";
      controls.appendChild(this.select(M.chartX, variables, this.x, function (v) { self.x = v; self.yasr.draw(); }));
      controls.appendChild(this.select(M.chartY, numbers, this.y, function (v) { self.y = v; self.yasr.draw(); }));
      this.yasr.pluginControls.appendChild(controls);
      // sum the values per category: amounts by year from one row per project
      var sums = new Map();
      (this.yasr.results.getBindings() || []).forEach(function (row) {
        var key = display(row[self.x]);
        var value = row[self.y] ? Number(row[self.y].value) : 0;
        sums.set(key, (sums.get(key) || 0) + value);
      });
      var keys = Array.from(sums.keys());
      if (keys.every(function (k) { return k !== "" && isFinite(Number(k)); })) {
        keys.sort(function (a, b) { return Number(a) - Number(b); });
      }
      var wrapper = document.createElement("div");
      wrapper.className = "chart-view";
      var canvas = document.createElement("canvas");
      canvas.id = "result-chart";
      wrapper.appendChild(canvas);
      this.yasr.resultsEl.appendChild(wrapper);
      this.canvas = canvas;
      this.chart = new Chart(canvas, {
        type: "bar",
        data: {
          labels: keys,
          datasets: [{ label: "?" + this.y + (keys.length < (this.yasr.results.getBindings() || []).length ? " (" + M.sum + ")" : ""),
                       data: keys.map(function (k) { return sums.get(k); }), backgroundColor: "#8b1e2d" }],
        },
        options: { animation: false, responsive: true, maintainAspectRatio: false,
                   scales: { y: { beginAtZero: true } } },
      });
    }
    download() {
      var canvas = this.canvas;
      if (!canvas) return undefined;
      return { getData: function () { return canvas.toDataURL("image/png"); },
               contentType: "image/png", title: M.downloadChart, filename: "chart.png" };
    }
    destroy() {
      if (this.chart) this.chart.destroy();
      this.chart = null;
      this.canvas = null;
    }
  }
  Yasr.registerPlugin("chart", ChartPlugin);

  // ── the workbench ─────────────────────────────────────────────────────────────────────

  var yasgui = new Yasgui(document.getElementById("workbench"), {
    requestConfig: { endpoint: data.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    tabName: M.tab,
    persistenceId: "jixiao-workbench",
    populateFromUrl: true,
    endpointCatalogueOptions: { getData: function () { return []; } },
    yasqe: {
      value: data.startQuery,
      autocompleters: ["variables", "jixiao-prefixes", "jixiao-classes", "jixiao-properties"],
      createShareableLink: undefined,
      showQueryButton: true,
      resizeable: true,
      editorHeight: "22rem",
    },
    yasr: { prefixes: data.prefixes, defaultPlugin: "table", pluginOrder: ["table", "chart", "response"] },
  });

  function tab() { return yasgui.getTab(); }

  // YASGUI's own tooltips, in the page's language wherever they appear
  function translateTitles() {
    yasgui.rootEl.querySelectorAll("[title], [aria-label]").forEach(function (element) {
      ["title", "aria-label"].forEach(function (name) {
        var text = element.getAttribute(name);
        var word = text && data.yasguiWords[text];
        if (word && word !== text) element.setAttribute(name, word);  // (same: no new mutation)
      });
    });
  }
  new MutationObserver(translateTitles).observe(yasgui.rootEl, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["title", "aria-label"],
  });
  translateTitles();

  function shareLink() {
    var link = tab().getShareableLink ? tab().getShareableLink(location.origin + root + "/") : "";
    return link || location.origin + root + "/#query=" + encodeURIComponent(tab().getQuery());
  }

  function watch(current) {
    if (!current || current.jixiaoWatched) return;
    current.jixiaoWatched = true;
    var yasr = current.getYasr();
    var localise = function () { localiseLinks(yasr.resultsEl); };
    new MutationObserver(localise).observe(yasr.resultsEl, { childList: true, subtree: true });
    // the table's own handlers keep a click on a link from navigating: follow it here
    yasr.resultsEl.addEventListener("click", function (event) {
      var a = event.target.closest && event.target.closest("a.iri");
      if (!a || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      event.stopPropagation();
      location.assign(a.href);
    }, true);
    yasr.on("drawn", function () {
      localise();
      var chip = yasr.rootEl.querySelector(".yasr_response_chip");
      var rows = yasr.results && yasr.results.getBindings ? (yasr.results.getBindings() || []).length : null;
      if (chip && rows !== null) chip.textContent = M.rows.replace("%(n)s", rows);
      if (rows !== null) setStatus(M.rows.replace("%(n)s", rows), "ok");
    });
  }

  yasgui.on("tabChange", function (instance, current) { watch(current); });
  yasgui.on("tabSelect", function () { setTimeout(function () { watch(tab()); }, 0); });
  watch(tab());

  yasgui.on("query", function (instance, current) {
    setStatus(M.running, "");
    remember(current.getQuery());
  });
  yasgui.on("queryResponse", function (instance, current) {
    var results = current.getYasr().results;
    if (results && results.getError && results.getError()) setStatus(M.failed, "error");
    history.replaceState(null, "", shareLink());
  });

  // ── examples, history, share, downloads ───────────────────────────────────────────────

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = data.examples[Number(button.dataset.index)];
      tab().setQuery(example.query);
      tab().getYasqe().focus();
    });
  });

  function loadHistory() {
    try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || "[]"); } catch (e) { return []; }
  }

  function remember(query) {
    var kept = loadHistory().filter(function (h) { return h.query !== query; });
    kept.unshift({ query: query, at: new Date().toISOString() });
    localStorage.setItem(HISTORY_KEY, JSON.stringify(kept.slice(0, HISTORY_MAX)));
    drawHistory();
  }

  function summary(query) {
    var lines = query.split("\n").filter(function (l) {
      var t = l.trim();
      return t && !/^PREFIX\s/i.test(t) && !/^BASE\s/i.test(t);
    });
    var title = lines.filter(function (l) { return /^#\s*title:/i.test(l.trim()); })[0];
    var text = title ? title.replace(/^#\s*title:\s*/i, "") : lines.filter(function (l) { return l.trim()[0] !== "#"; })[0] || "";
    return text.trim().slice(0, 80);
  }

  function drawHistory() {
    var list = document.getElementById("history");
    list.textContent = "";
    loadHistory().forEach(function (entry) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "history-entry";
      button.textContent = summary(entry.query);
      button.title = entry.query;
      button.addEventListener("click", function () { tab().setQuery(entry.query); });
      var when = document.createElement("time");
      when.dateTime = entry.at;
      when.textContent = new Date(entry.at).toLocaleString(data.lang === "zh" ? "zh-CN" : "en");
      item.appendChild(button);
      item.appendChild(when);
      list.appendChild(item);
    });
  }
  drawHistory();
  document.getElementById("clear-history").addEventListener("click", function () {
    localStorage.removeItem(HISTORY_KEY);
    drawHistory();
  });

  document.getElementById("share").addEventListener("click", function () {
    var link = shareLink();
    var field = document.getElementById("share-url");
    field.hidden = false;
    field.value = link;
    field.select();
    history.replaceState(null, "", link);
    if (navigator.clipboard) {
      navigator.clipboard.writeText(link).then(function () { setStatus(M.copied, "ok"); }, function () {});
    }
  });

  function download(accept, name) {
    var body = new URLSearchParams({ query: tab().getQuery() });
    setStatus(M.running, "");
    fetch(data.endpoint, { method: "POST", body: body, headers: { Accept: accept } })
      .then(function (response) {
        if (!response.ok) return response.text().then(function (t) { throw new Error(t); });
        return response.blob();
      })
      .then(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setStatus("", "");
      })
      .catch(function (error) { setStatus(M.failed + " " + error.message, "error"); });
  }
  document.getElementById("download-csv").addEventListener("click", function () {
    download("text/csv", "results.csv");
  });
  document.getElementById("download-json").addEventListener("click", function () {
    download("application/sparql-results+json", "results.json");
  });
})();
