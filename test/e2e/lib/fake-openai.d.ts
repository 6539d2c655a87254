// Generated from the JSDoc of the .js file next to it by make-types.js; do not edit.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type ChatMessage = {
	role: string;
	content?: unknown;
	tool_calls?: Array<{
		id: string;
		function: {
			name: string;
			arguments: string;
		};
	}>;
	tool_call_id?: string;
};
export type ChatTool = {
	type: 'function';
	function: {
		name: string;
		description?: string;
		parameters?: any;
	};
};
export type ChatRequest = {
	model?: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[k: string]: unknown;
};
export type ScriptedAnswer =
	| {
			toolCalls: Array<{
				name: string;
				arguments: Record<string, unknown>;
			}>;
	  }
	| {
			text: string;
	  };
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
export function startFakeOpenAi(opts: {
	respond: (body: ChatRequest, index: number) => ScriptedAnswer;
}): Promise<{
	url: string;
	port: number;
	requests: ChatRequest[];
	close: () => Promise<void>;
}>;
/**
 * The last message of a chat request that is not from the assistant's tool results, and whether
 * tool results came after it (i.e. the model is being asked to wrap up).
 * @param {ChatRequest} body
 */
export function conversationState(body: ChatRequest): {
	userText: string;
	toolResults: ChatMessage[];
};
