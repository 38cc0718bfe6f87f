// Validates a Teams app manifest (and its localization files) against the JSON schema of the
// manifestVersion it declares, as bundled in Microsoft's @microsoft/app-manifest (no network).
// stdin: {"manifest": {...}, "localizations": {"pl": {...}, ...}};
// stdout: {"manifest": [errors], "pl": [errors], ...}.
"use strict";
const path = require("path");
const { ManifestUtil } = require("@microsoft/app-manifest");
const AjvDraft04 = require("ajv-draft-04");
const addFormats = require("ajv-formats");

// The localization schema's key patterns are not valid in unicode mode (`\b…]` brackets),
// which ManifestUtil's ajv uses; the same schema is checked here without that mode.
function validateLocalization(strings, localizationSchema) {
  const ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const check = ajv.compile(localizationSchema);
  return check(strings) ? [] : check.errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

function schema(version, name) {
  const root = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
  return require(path.join(root, "build", "json-schemas", "teams", `v${version}`, name));
}

async function main(input) {
  const { manifest, localizations } = JSON.parse(input);
  const version = manifest.manifestVersion;
  const out = {
    manifest: await ManifestUtil.validateManifestAgainstSchema(manifest, schema(version, "MicrosoftTeams.schema.json")),
  };
  for (const [language, strings] of Object.entries(localizations || {})) {
    out[language] = validateLocalization(strings, schema(version, "MicrosoftTeams.Localization.schema.json"));
  }
  process.stdout.write(JSON.stringify(out));
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => main(input).catch((error) => { console.error(error); process.exit(1); }));
