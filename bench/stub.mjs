// A fast local upstream for the benchmark: Mistral-style chat answers, whole or as an SSE stream.
// Usage: node stub.mjs PORT
import http from "node:http";

const answer = JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion", created: 1, model: "mistral-tiny",
  choices: [{ index: 0, message: { role: "assistant", content: "The sum of 1 + 1 is 2." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});
const chunk = (delta, finish) => "data: " + JSON.stringify({
  id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1, model: "mistral-tiny",
  choices: [{ index: 0, delta, finish_reason: finish }],
}) + "\n\n";
const stream = chunk({ role: "assistant", content: "" }, null)
  + ["The", " sum", " is", " 2", "."].map((word) => chunk({ content: word }, null)).join("")
  + chunk({}, "stop") + "data: [DONE]\n\n";

http.createServer((request, response) => {
  let body = "";
  request.on("data", (part) => (body += part));
  request.on("end", () => {
    if (body.includes('"stream":true')) {
      response.writeHead(200, { "Content-Type": "text/event-stream" });
      response.end(stream);
    } else {
      response.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(answer) });
      response.end(answer);
    }
  });
}).listen(Number(process.argv[2]), "127.0.0.1");
