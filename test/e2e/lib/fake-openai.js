// @ts-check
'use strict';

/**
 * A scripted stand-in for OpenAI's Chat Completions API on 127.0.0.1, so that an n8n AI Agent can
 * run in the end-to-end suite without a model: point an `openAiApi` credential's Base URL at
 * `<url>/v1`. Every POST `/v1/chat/completions` is recorded and answered by `respond(body)`, which
 * returns either a tool call or a final text (see `toolCalls` and `text`). Non-streaming only.
 */

const http = require('node:http');

/**
 * @typedef {{ role: string, content?: unknown, tool_calls?: Array<{ id: string, function: { name: string, arguments: string } }>, tool_call_id?: string }} ChatMessage
 * @typedef {{ type: 'function', function: { name: string, description?: string, parameters?: any } }} ChatTool
 * @typedef {{ model?: string, messages: ChatMessage[], tools?: ChatTool[], stream?: boolean, [k: string]: unknown }} ChatRequest
 * @typedef {{ toolCalls: Array<{ name: string, arguments: Record<string, unknown> }> } | { text: string }} ScriptedAnswer
 */

/**
 * @param {{ respond: (body: ChatRequest, index: number) => ScriptedAnswer }} opts
 * @returns {Promise<{ url: string, port: number, requests: ChatRequest[], close: () => Promise<void> }>}
 */
function startFakeOpenAi(opts) {
	/** @type {ChatRequest[]} */
	const requests = [];
	let callId = 0;
	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const send = (/** @type {number} */ status, /** @type {unknown} */ body) => {
				const text = JSON.stringify(body);
				res.writeHead(status, {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(text),
				});
				res.end(text);
			};
			const path = (req.url || '').split('?')[0];
			if (req.method === 'GET' && path.endsWith('/models')) {
				send(200, {
					object: 'list',
					data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'e2e' }],
				});
				return;
			}
			if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
				send(404, { error: { message: `fake OpenAI: no route ${req.method} ${path}` } });
				return;
			}
			/** @type {ChatRequest} */
			let body;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				send(400, { error: { message: 'fake OpenAI: body is not JSON' } });
				return;
			}
			requests.push(body);
			let answer;
			try {
				answer = opts.respond(body, requests.length - 1);
			} catch (error) {
				send(500, { error: { message: `fake OpenAI script failed: ${error}` } });
				return;
			}
			/** @type {any} */
			let message;
			let finish = 'stop';
			if ('toolCalls' in answer) {
				finish = 'tool_calls';
				message = {
					role: 'assistant',
					content: null,
					tool_calls: answer.toolCalls.map((call) => ({
						id: `call_e2e_${++callId}`,
						type: 'function',
						function: { name: call.name, arguments: JSON.stringify(call.arguments) },
					})),
				};
			} else {
				message = { role: 'assistant', content: answer.text };
			}
			send(200, {
				id: `chatcmpl-e2e-${requests.length}`,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: body.model || 'gpt-4o-mini',
				choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
				usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
			});
		});
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			resolve({
				url: `http://127.0.0.1:${port}`,
				port,
				requests,
				close: () =>
					new Promise((done) => {
						server.closeAllConnections?.();
						server.close(() => done(undefined));
					}),
			});
		});
	});
}

/**
 * The last message of a chat request that is not from the assistant's tool results, and whether
 * tool results came after it (i.e. the model is being asked to wrap up).
 * @param {ChatRequest} body
 */
function conversationState(body) {
	const messages = body.messages || [];
	let lastUser = -1;
	messages.forEach((m, i) => {
		if (m.role === 'user') lastUser = i;
	});
	const toolResults = messages.slice(lastUser + 1).filter((m) => m.role === 'tool');
	return {
		userText: lastUser >= 0 ? String(messages[lastUser].content ?? '') : '',
		toolResults,
	};
}

module.exports = { startFakeOpenAi, conversationState };
