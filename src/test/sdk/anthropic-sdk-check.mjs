// The official Anthropic SDK against a running gateway, unchanged, as Claude Code and apps use it:
// a whole message, a streamed one (the SDK's stream helper checks the events' order and builds
// the message), a tool_use round trip, countTokens and an error, on a Mistral.ai route and an
// Ollama route. Prints one line per check; AnthropicSdkIT compares them.
// Usage: GATEWAY_URL=... GATEWAY_KEY=... node anthropic-sdk-check.mjs
import Anthropic from "@anthropic-ai/sdk";

const mistral = new Anthropic({ baseURL: process.env.GATEWAY_URL, apiKey: process.env.GATEWAY_KEY, maxRetries: 0 });
const ollama = new Anthropic({ baseURL: process.env.GATEWAY_URL + "/ollama", apiKey: "unused", maxRetries: 0 });
const system = [{ type: "text", text: "Answer briefly.", cache_control: { type: "ephemeral" } }];
const ask = [{ role: "user", content: "What is 1+1?" }];

const whole = await mistral.messages.create({ model: "claude-sonnet-4-5", max_tokens: 100, system, messages: ask });
console.log("whole: " + whole.content[0].text + " | " + whole.stop_reason + " | in " + whole.usage.input_tokens
  + " cached " + whole.usage.cache_read_input_tokens + " out " + whole.usage.output_tokens);

const stream = mistral.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, system, messages: ask });
let streamed = "";
stream.on("text", (text) => { streamed += text; });
const final = await stream.finalMessage();
console.log("streamed: " + streamed + " | " + final.stop_reason + " | in " + final.usage.input_tokens
  + " out " + final.usage.output_tokens);

const tools = [{
  name: "get_weather", description: "Weather in a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
}];
const history = [{ role: "user", content: "Weather in Paris?" }];
const first = await mistral.messages.create({
  model: "claude-sonnet-4-5", max_tokens: 100, messages: history, tools, tool_choice: { type: "any" },
});
const use = first.content.find((block) => block.type === "tool_use");
console.log("tool_use: " + first.stop_reason + " " + use.name + " " + JSON.stringify(use.input));
history.push({ role: "assistant", content: first.content });
history.push({ role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "18C" }] });
const after = mistral.messages.stream({ model: "claude-sonnet-4-5", max_tokens: 100, messages: history, tools });
const answered = await after.finalMessage();
console.log("after the tool: " + answered.content.filter((b) => b.type === "text").map((b) => b.text).join(""));

const counted = await mistral.messages.countTokens({ model: "claude-sonnet-4-5", system, messages: history, tools });
console.log("count_tokens: " + (Number.isInteger(counted.input_tokens) && counted.input_tokens > 0));

try {
  await mistral.messages.create({
    model: "claude-sonnet-4-5", max_tokens: 100, messages: ask,
    tools: [{ type: "web_search_20250305", name: "web_search" }],
  });
  console.log("error: none");
} catch (e) {
  console.log("error: " + e.status + " " + e.error?.error?.type + " " + (e.error?.error?.message ?? "").includes("web_search"));
}

const local = await ollama.messages.create({ model: "claude-haiku-4-5", max_tokens: 50, messages: ask });
console.log("ollama whole: " + local.content[0].text + " | " + local.stop_reason);
const localStream = ollama.messages.stream({ model: "claude-haiku-4-5", max_tokens: 50, messages: ask });
const localFinal = await localStream.finalMessage();
console.log("ollama streamed: " + localFinal.content[0].text + " | " + localFinal.stop_reason + " | out "
  + localFinal.usage.output_tokens);
