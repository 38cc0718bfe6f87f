// Validates Adaptive Cards with the official `adaptivecards` SDK, each at the version it declares.
// stdin: a JSON list of {"name": ..., "card": {...}}; stdout: a JSON list of
// {"name", "version", "errors": [messages]} (parse events and validation failures, any phase).
"use strict";
const AC = require("adaptivecards/dist/adaptivecards.js");

// Teams' people picker is a ChoiceSet whose choices come from `choices.data` (Data.Query);
// Teams documents it with `"choices": []`, which the SDK's older static-choices rule flags.
// Only that one rule, and only for a dynamic-typeahead ChoiceSet, is waived.
function isPeoplePickerWithoutStaticChoices(event) {
  return (
    event.event === AC.ValidationEvent.CollectionCantBeEmpty &&
    event.source instanceof AC.ChoiceSetInput &&
    event.source.isDynamicTypeahead()
  );
}

function validate(card) {
  const declared = AC.Version.parse(card.version, new AC.SerializationContext());
  if (!declared || !declared.isValid) {
    return { version: String(card.version), errors: ["invalid or missing version"] };
  }
  const context = new AC.SerializationContext(declared);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const errors = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    errors.push(`${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  const results = parsed.validateProperties();
  for (const event of results.validationEvents) {
    if (isPeoplePickerWithoutStaticChoices(event)) continue;
    const id = event.source && event.source.id ? ` (${event.source.id})` : "";
    errors.push(`${AC.ValidationEvent[event.event]}${id}: ${event.message}`);
  }
  return { version: declared.toString(), errors };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const cases = JSON.parse(input);
  const out = cases.map(({ name, card }) => ({ name, ...validate(card) }));
  process.stdout.write(JSON.stringify(out));
});
