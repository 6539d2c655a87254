import type { INodeProperties } from 'n8n-workflow';

import {
	CHATS_FILTER,
	IGNORE_GROUPS_FILTER,
	MESSAGE_TYPES_FILTER,
} from '../shared/filterProperties';
import type { MessageFilterInput } from '../shared/message';

export interface PollingOptions
	extends Pick<MessageFilterInput, 'ignoreGroups' | 'chats' | 'messageTypes'> {
	includeFromMe?: boolean;
}

export const pollingTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'At each poll time, reads the latest 100 messages of the WhatsApp line and outputs each new one once, also those that arrived while n8n was stopped. No webhook to set up. If more than 100 arrive between two polls, the first item says so (possibleGap): then poll more often.',
		name: 'pollingNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		description: 'A message that does not pass every option set here starts no execution',
		options: [
			IGNORE_GROUPS_FILTER,
			{
				displayName: 'Include Messages Sent by Me',
				name: 'includeFromMe',
				type: 'boolean',
				default: false,
				description:
					'Whether to also start for messages the line itself sent (from n8n, the Wappfly API or the phone). Off by default, so that a workflow that replies does not start itself again.',
			},
			MESSAGE_TYPES_FILTER,
			CHATS_FILTER,
		],
	},
];
