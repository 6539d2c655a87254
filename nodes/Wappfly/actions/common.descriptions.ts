import type { INodeProperties } from 'n8n-workflow';

import { RECIPIENT_EXAMPLES } from '../../shared/jid';
import { DEFAULT_TIMEOUT_MS } from '../../shared/transport';
import { pacingOption } from './pacing';

export const MEDIA_TIMEOUT_MS = 600_000;

/** A chat picked from the line's chats, or typed as a phone number or JID. */
export function chatLocator(
	name: string,
	displayName: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a chat...',
				typeOptions: { searchListMethod: 'searchChats', searchable: true },
			},
			{
				displayName: 'By Number or JID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. +15551234567',
				hint: `A phone number with its country code, or a JID: ${RECIPIENT_EXAMPLES}`,
			},
		],
	};
}

export const recipient = chatLocator(
	'to',
	'To',
	'The person or group to send to. Numbers are accepted in any common form and converted to a WhatsApp JID.',
);

export const chatOfMessage = chatLocator(
	'to',
	'Chat',
	'The chat that holds the message: the person or group it was exchanged with',
);

export function messageIdField(description: string): INodeProperties {
	return {
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3EB06A40C80DF456A1B2',
		description,
	};
}

export function textField(description: string): INodeProperties {
	return {
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		description,
	};
}

export function timeoutOption(defaultMs: number): INodeProperties {
	return {
		displayName: 'Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1000 },
		default: defaultMs,
		description: 'How long to wait for Wappfly to answer, in milliseconds',
	};
}

/** An Options collection holding only the timeout, for operations with nothing else to tune. */
export function timeoutOnlyOptions(defaultMs = DEFAULT_TIMEOUT_MS): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [timeoutOption(defaultMs)],
	};
}

/** The Options of a send: its own options, Pacing and Timeout, sorted by name as n8n lists them. */
export function sendOptions(
	defaultTimeoutMs = DEFAULT_TIMEOUT_MS,
	own: INodeProperties[] = [],
): INodeProperties {
	return {
		...timeoutOnlyOptions(defaultTimeoutMs),
		options: [...own, pacingOption, timeoutOption(defaultTimeoutMs)].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

/** Limit of a list operation; callers set their own default and maximum. */
export function limitField(maxValue: number): INodeProperties {
	return {
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue },
		default: 50,
		description: 'Max number of results to return',
	};
}
