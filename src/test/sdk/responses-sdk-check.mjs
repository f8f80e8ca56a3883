// The official OpenAI SDK's Responses API against the gateway (see ResponsesSdkIT): a whole answer,
// a streamed one, a function tool round trip, a custom tool and stored responses, printed one line each.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.GATEWAY_URL, apiKey: 'unused', maxRetries: 0 });

const whole = await client.responses.create({ model: 'mistral-tiny', instructions: 'Be brief.', input: 'What is 1+1?' });
console.log(`whole: ${whole.status} ${whole.output_text}`);

const stream = await client.responses.create({ model: 'mistral-tiny', input: 'What is 1+1?', stream: true });
let text = '';
let last = '';
for await (const event of stream) {
  if (event.type === 'response.output_text.delta') text += event.delta;
  last = event.type;
}
console.log(`streamed: ${text} (${last})`);

const weather = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false };
const asked = await client.responses.create({ model: 'mistral-tiny', input: 'Weather in Paris?', tools: [weather] });
const call = asked.output.find((item) => item.type === 'function_call');
console.log(`function call: ${call.name} ${call.arguments}`);
const answered = await client.responses.create({
  model: 'mistral-tiny',
  tools: [weather],
  input: [{ role: 'user', content: 'Weather in Paris?' }, call, { type: 'function_call_output', call_id: call.call_id, output: '18C' }],
});
console.log(`after the tool: ${answered.output_text}`);

const patched = await client.responses.create({ model: 'mistral-tiny', input: 'patch it', tools: [{ type: 'custom', name: 'apply_patch', description: 'Applies a patch' }] });
const custom = patched.output.find((item) => item.type === 'custom_tool_call');
console.log(`custom tool call: ${custom.name} ${JSON.stringify(custom.input)}`);

// stored responses (the gateway has Redis): a follow-up by previous_response_id, then the stored one read back
const told = await client.responses.create({ model: 'mistral-tiny', input: 'The code word is plum.', store: true });
const followUp = await client.responses.create({ model: 'mistral-tiny', previous_response_id: told.id, input: 'What is the code word?' });
console.log(`follow-up: ${followUp.output_text} (previous_response_id ${followUp.previous_response_id === told.id ? 'echoed' : 'lost'})`);
const retrieved = await client.responses.retrieve(told.id);
const retrievedText = retrieved.output.find((item) => item.type === 'message').content[0].text;
console.log(`retrieved: ${retrieved.id === told.id ? 'same id' : 'other id'} ${retrieved.status} ${retrievedText}`);
