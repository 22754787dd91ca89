/* The query page: editor with highlighting, example queries, running, results, downloads. */
(function () {
  "use strict";

  var page = document.getElementById("query-page");
  var textarea = document.getElementById("sparql");
  var highlight = document.getElementById("highlight");
  var runButton = document.getElementById("run");
  var csvButton = document.getElementById("download-csv");
  var jsonButton = document.getElementById("download-json");
  var statusLine = document.getElementById("status");
  var results = document.getElementById("results");
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var prefixes = JSON.parse(document.getElementById("prefixes-data").textContent);
  var base = page.dataset.base;
  var root = page.dataset.root || "";
  var endpoint = page.dataset.endpoint;
  var ONTOLOGY = "https://w3id.org/jixiao/ontology";
  var CATEGORIES = "https://w3id.org/jixiao/indicator-category";
  var MAX_SHOWN = 2000;
  var last = null;  // {query, json} of the last SELECT/ASK answer

  function refresh() {
    // the trailing newline keeps the overlay as tall as the textarea's last line
    highlight.innerHTML = SparqlHighlight.toHtml(textarea.value) + "\n";
    syncScroll();
  }

  function syncScroll() {
    highlight.parentNode.scrollTop = textarea.scrollTop;
    highlight.parentNode.scrollLeft = textarea.scrollLeft;
  }

  function setStatus(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "status" + (kind ? " " + kind : "");
  }

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

  function shortName(iri) {
    for (var name in prefixes) {
      var ns = prefixes[name];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) return name + ":" + iri.slice(ns.length);
    }
    if (iri.indexOf(base) === 0) return "…/" + iri.slice(base.length);
    return iri;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function cell(term) {
    var td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      var a = el("a", null, shortName(term.value));
      a.href = hrefFor(term.value);
      a.title = term.value;
      if (a.getAttribute("href") === term.value) a.className = "external";
      td.appendChild(a);
    } else if (term.type === "bnode") {
      td.appendChild(el("span", "bnode", "_:" + term.value));
    } else {
      var span = el("span", "literal", term.value);
      if (term["xml:lang"]) span.lang = term["xml:lang"];
      td.appendChild(span);
      if (term["xml:lang"]) {
        td.appendChild(el("small", "tag", " @" + term["xml:lang"]));
      } else if (term.datatype && !/#(string|integer|decimal)$/.test(term.datatype)) {
        td.appendChild(el("small", "tag", " " + shortName(term.datatype)));
      }
      if (/#(integer|decimal|double|float)$/.test(term.datatype || "")) td.className = "num";
    }
    return td;
  }

  function showTable(json, millis) {
    results.textContent = "";
    if (typeof json.boolean === "boolean") {
      results.appendChild(el("p", "boolean", json.boolean ? "true" : "false"));
      setStatus("ASK answered in " + millis + " ms", "ok");
      return;
    }
    var vars = json.head.vars || [];
    var rows = json.results.bindings || [];
    var wrap = el("div", "scroll");
    var table = el("table", "data results-table");
    var head = el("tr");
    vars.forEach(function (v) { head.appendChild(el("th", null, "?" + v)); });
    table.appendChild(el("thead")).appendChild(head);
    var body = el("tbody");
    rows.slice(0, MAX_SHOWN).forEach(function (row) {
      var tr = el("tr");
      vars.forEach(function (v) { tr.appendChild(cell(row[v])); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    results.appendChild(wrap);
    var text = rows.length + " row" + (rows.length === 1 ? "" : "s") + " in " + millis + " ms";
    if (rows.length > MAX_SHOWN) text += " (the first " + MAX_SHOWN + " shown; download for all)";
    if (json.truncated || (json.head && json.head.truncated)) text += " — truncated by the row cap";
    setStatus(text, "ok");
  }

  function showText(text, millis) {
    results.textContent = "";
    results.appendChild(el("pre", "graph", text));
    setStatus("graph answered in " + millis + " ms", "ok");
  }

  function errorMessage(response, text) {
    try {
      var body = JSON.parse(text);
      if (body && body.message) return body.message;
    } catch (e) { /* not JSON */ }
    return text.slice(0, 500) || response.statusText;
  }

  function post(query, accept) {
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query: query }).toString(),
    });
  }

  function run() {
    var query = textarea.value;
    var started = performance.now();
    runButton.disabled = true;
    csvButton.disabled = jsonButton.disabled = true;
    last = null;
    setStatus("running…", "busy");
    post(query, "application/sparql-results+json, text/turtle;q=0.9")
      .then(function (response) {
        return response.text().then(function (text) {
          var millis = Math.round(performance.now() - started);
          if (!response.ok) {
            results.textContent = "";
            setStatus("Error " + response.status + ": " + errorMessage(response, text), "error");
            return;
          }
          var type = response.headers.get("content-type") || "";
          if (type.indexOf("json") >= 0) {
            var json = JSON.parse(text);
            last = { query: query, json: text };
            showTable(json, millis);
            csvButton.disabled = typeof json.boolean === "boolean";
            jsonButton.disabled = false;
          } else {
            showText(text, millis);
          }
        });
      })
      .catch(function (error) { setStatus("Request failed: " + error.message, "error"); })
      .then(function () { runButton.disabled = false; });
  }

  function save(blob, name) {
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  csvButton.addEventListener("click", function () {
    if (!last) return;
    post(last.query, "text/csv").then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.blob();
    }).then(function (blob) { save(blob, "results.csv"); })
      .catch(function (error) { setStatus("CSV download failed: " + error.message, "error"); });
  });

  jsonButton.addEventListener("click", function () {
    if (last) save(new Blob([last.json], { type: "application/sparql-results+json" }), "results.json");
  });

  textarea.addEventListener("input", refresh);
  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      var start = textarea.selectionStart, end = textarea.selectionEnd;
      textarea.value = textarea.value.slice(0, start) + "  " + textarea.value.slice(end);
      textarea.selectionStart = textarea.selectionEnd = start + 2;
      refresh();
    }
  });
  runButton.addEventListener("click", run);

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var example = examples[Number(button.dataset.index)];
      textarea.value = example.query;
      textarea.focus();
      textarea.setSelectionRange(0, 0);
      textarea.scrollTop = 0;
      refresh();
      setStatus("Example “" + example.title + "” — press Run or Ctrl+Enter", "");
    });
  });

  var shared = new URLSearchParams(window.location.search).get("query");
  if (shared) textarea.value = shared;
  refresh();
})();
