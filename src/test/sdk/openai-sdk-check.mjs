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
