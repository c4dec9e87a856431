// Upload a file with @google/genai's Files API, wait until it is ACTIVE, ask about it,
// count its tokens, list and delete it; print one JSON line with what happened.
// Usage: node files_upload.mjs <path> <mimeType>   (GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL)
import { GoogleGenAI, createPartFromUri } from "@google/genai";

const [path, mimeType] = process.argv.slice(2);
const ai = new GoogleGenAI({
  apiKey: process.env.GEMINI_API_KEY,
  httpOptions: { baseUrl: process.env.GOOGLE_GEMINI_BASE_URL },
});
const model = "gemini-2.5-flash";

const uploaded = await ai.files.upload({ file: path, config: { mimeType, displayName: "from-js" } });
const states = [uploaded.state];
let file = uploaded;
for (let i = 0; i < 20 && file.state !== "ACTIVE"; i++) {
  file = await ai.files.get({ name: uploaded.name });
  states.push(file.state);
}
const contents = [createPartFromUri(file.uri, file.mimeType), "What is in this document?"];
const reply = await ai.models.generateContent({ model, contents });
const counted = await ai.models.countTokens({ model, contents });
const listed = [];
for await (const f of await ai.files.list({ config: { pageSize: 5 } })) listed.push(f.name);
await ai.files.delete({ name: file.name });
let afterDelete = null;
try {
  await ai.files.get({ name: file.name });
} catch (err) {
  afterDelete = err.status ?? String(err);
}
console.log(
  JSON.stringify({
    name: uploaded.name,
    sizeBytes: uploaded.sizeBytes,
    displayName: uploaded.displayName,
    states,
    text: reply.text,
    totalTokens: counted.totalTokens,
    listed,
    afterDelete,
  }),
);
