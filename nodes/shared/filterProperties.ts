/**
 * The message filters that the Wappfly Trigger and the Wappfly Polling Trigger both offer, with
 * the same names and meaning, so that a workflow can move from one trigger to the other. Both
 * apply them with `compileFilters` / `filterOut` of ./message.
 */
import type { INodeProperties } from 'n8n-workflow';

import { RECIPIENT_EXAMPLES } from './jid';

/** Ignore Group Messages. */
export const IGNORE_GROUPS_FILTER: INodeProperties = {
	displayName: 'Ignore Group Messages',
	name: 'ignoreGroups',
	type: 'boolean',
	default: false,
	description: 'Whether to ignore messages written in groups and keep only one-to-one chats',
};

/** Message Types. */
export const MESSAGE_TYPES_FILTER: INodeProperties = {
	displayName: 'Message Types',
	name: 'messageTypes',
	type: 'multiOptions',
	default: [],
	description: 'Start only for these types of message. None selected means every type.',
	options: [
		{ name: 'Audio / Voice Note', value: 'audio' },
		{ name: 'Contact', value: 'contact' },
		{ name: 'Document', value: 'document' },
		{ name: 'Image', value: 'image' },
		{ name: 'Location', value: 'location' },
		{
			name: 'Other',
			value: 'other',
			description: 'Polls, events, buttons and anything not listed here',
		},
		{ name: 'Reaction', value: 'reaction' },
		{ name: 'Sticker', value: 'sticker' },
		{ name: 'Text', value: 'text' },
		{ name: 'Video', value: 'video' },
	],
};

/** Only These Chats. */
export const CHATS_FILTER: INodeProperties = {
	displayName: 'Only These Chats',
	name: 'chats',
	type: 'string',
	default: '',
	placeholder: 'e.g. +15551234567, 120363025246125244@g.us',
	description: `Start only for messages in these chats: people or groups, separated by commas. Numbers in any common form or JIDs, e.g. ${RECIPIENT_EXAMPLES}.`,
};
