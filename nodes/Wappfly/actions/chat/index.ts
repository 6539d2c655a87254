import type { ResourceDefinition } from '../resource';
import { getAll } from './getAll.operation';
import { getHistory } from './getHistory.operation';

export const chat: ResourceDefinition = {
	value: 'chat',
	name: 'Chat',
	operation: {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chat'] } },
		default: 'getAll',
		options: [
			{
				name: 'Get History',
				value: 'getHistory',
				description: 'Get the messages of one chat',
				action: 'Get the history of a chat',
			},
			{
				name: 'Get Many',
				value: 'getAll',
				description: 'Get the chats this line has seen',
				action: 'Get many chats',
			},
		],
	},
	table: { getAll, getHistory },
};
