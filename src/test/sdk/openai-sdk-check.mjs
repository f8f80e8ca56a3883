// The official OpenAI SDK against a running gateway, unchanged: a streamed chat, a whole chat, and
// an error. Prints one line per check; OpenAiSdkIT compares them. Usage: GATEWAY_URL=... node openai-sdk-check.mjs
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.env.GATEWAY_URL, apiKey: "the-gateway-holds-the-real-key", maxRetries: 0 });
const messages = [{ role: "user", content: "What is 1+1?" }];

const stream = await client.chat.completions.create({ model: "mistral-tiny", messages, stream: true });
let streamed = "";
for await (const chunk of stream) {
  streamed += chunk.choices[0]?.delta?.content ?? "";
}
console.log("streamed: " + streamed);

const whole = await client.chat.completions.create({ model: "mistral-tiny", messages });
console.log("whole: " + whole.choices[0].message.content);

try {
  await client.chat.completions.create({ model: "another-model", messages });
  console.log("error: none");
} catch (e) {
  console.log("error: " + e.status + " " + e.error?.message);
}

// A tool conversation as apps write it with the SDK, to a Mistral.ai route: the answer's message
// pushed back into the history as it came, OpenAI-only options, and an earlier turn replayed from
// an OpenAI conversation (OpenAI's tool call ids, the SDK's null fields).
const tools = [{
  type: "function",
  function: {
    name: "get_weather", description: "Weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
}];
const history = [
  { role: "developer", content: "Answer briefly." },
  { role: "user", content: "Weather in Rome?" },
  {
    role: "assistant", content: null, refusal: null, annotations: [],
    tool_calls: [{ id: "call_Xy7PqL2mN8vR4tK9wB3zD1aF", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Rome\"}" } }],
  },
  { role: "tool", tool_call_id: "call_Xy7PqL2mN8vR4tK9wB3zD1aF", content: "24C" },
  { role: "assistant", content: "24C in Rome.", refusal: null },
  { role: "user", content: "And in Paris?" },
];
const first = await client.chat.completions.create({
  model: "mistral-tiny", messages: history, tools, tool_choice: "required",
  max_completion_tokens: 100, seed: 7, user: "app-user-1", store: false, reasoning_effort: "low", top_p: null,
});
const call = first.choices[0].message.tool_calls[0];
console.log("tool call: " + call.function.name + " " + call.function.arguments);
history.push(first.choices[0].message);
history.push({ role: "tool", tool_call_id: call.id, content: "18C" });

const second = await client.chat.completions.create({
  model: "mistral-tiny", messages: history, tools, stream: true, stream_options: { include_usage: true },
});
let text = "";
let reasoning = "";
for await (const chunk of second) {
  text += chunk.choices[0]?.delta?.content ?? "";
  reasoning += chunk.choices[0]?.delta?.reasoning_content ?? "";
}
console.log("reasoning: " + reasoning);
console.log("after the tool: " + text);

// Embeddings (the SDK asks for base64 and decodes it), fill-in-the-middle, the model list.
const embedded = await client.embeddings.create({ model: "mistral-embed", input: ["first", "second"] });
console.log("embeddings: " + embedded.data.length + " " + embedded.data[0].embedding.join(","));
const fim = await client.completions.create({
  model: "codestral-latest", prompt: "def add(a, b):\n", suffix: "\nprint(add(1, 2))", max_tokens: 32,
});
console.log("fill-in-the-middle: " + JSON.stringify(fim.choices[0].text));
const models = [];
for await (const model of client.models.list()) {
  models.push(model.id);
}
console.log("models: " + models.join(","));
