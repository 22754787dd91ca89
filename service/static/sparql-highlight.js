/* A small SPARQL 1.1 syntax highlighter (jixiao's own): text in, HTML spans out.
   SparqlHighlight.tokenize(text) gives [{type, text}]; SparqlHighlight.toHtml(text) the markup.
   Token types: comment, string, iri, variable, pname, number, keyword, function, langtag,
   punct, text. Unknown input never throws: it falls through as one-character tokens. */
(function (global) {
  "use strict";

  var KEYWORDS = (
    "select construct describe ask where from named prefix base distinct reduced as " +
    "filter optional union minus graph service silent bind values group by order asc desc " +
    "having limit offset not in exists insert delete data load clear drop create add move " +
    "copy to into with using default all undef true false a"
  ).split(" ");
  var FUNCTIONS = (
    "str lang langmatches datatype bound iri uri bnode rand abs ceil floor round concat " +
    "strlen ucase lcase encode_for_uri contains strstarts strends strbefore strafter year " +
    "month day hours minutes seconds timezone tz now uuid struuid md5 sha1 sha256 sha384 " +
    "sha512 coalesce if strlang strdt sameterm isiri isuri isblank isliteral isnumeric " +
    "regex substr replace count sum min max avg sample group_concat separator"
  ).split(" ");
  var isKeyword = {}, isFunction = {};
  KEYWORDS.forEach(function (k) { isKeyword[k] = true; });
  FUNCTIONS.forEach(function (f) { isFunction[f] = true; });

  var NAME = "A-Za-z\\u00C0-\\uFFFF";
  var RULES = [
    ["space", /\s+/y],
    ["comment", /#[^\n]*/y],
    ["string", /"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)/y],
    ["string", /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?/y],
    ["iri", /<[^<>"{}|^`\\\s]*>/y],
    ["variable", new RegExp("[?$][" + NAME + "0-9_]+", "y")],
    ["pname", new RegExp("(?:[" + NAME + "][" + NAME + "0-9_.-]*)?:[" + NAME + "0-9_.%-]*", "y")],
    ["langtag", /@[A-Za-z]+(?:-[A-Za-z0-9]+)*/y],
    ["number", /(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/y],
    ["word", /[A-Za-z_][A-Za-z0-9_]*/y],
  ];

  function tokenize(text) {
    var tokens = [], pos = 0;
    while (pos < text.length) {
      var matched = null, type = null;
      for (var i = 0; i < RULES.length; i++) {
        var rule = RULES[i][1];
        rule.lastIndex = pos;
        var m = rule.exec(text);
        if (m && m[0].length > 0) { matched = m[0]; type = RULES[i][0]; break; }
      }
      if (matched === null) { matched = text[pos]; type = "punct"; }
      if (type === "pname") {
        var trimmed = matched.replace(/\.+$/, "");  // a prefixed name never ends with "."
        if (trimmed.length > 0 && trimmed !== matched) matched = trimmed;
      }
      if (type === "word") {
        var lower = matched.toLowerCase();
        type = isKeyword[lower] ? "keyword" : isFunction[lower] ? "function" : "text";
      }
      tokens.push({ type: type, text: matched });
      pos += matched.length;
    }
    return tokens;
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function toHtml(text) {
    return tokenize(text).map(function (t) {
      if (t.type === "space" || t.type === "text") return escapeHtml(t.text);
      return '<span class="tok-' + t.type + '">' + escapeHtml(t.text) + "</span>";
    }).join("");
  }

  global.SparqlHighlight = { tokenize: tokenize, toHtml: toHtml, escapeHtml: escapeHtml };
})(window);
