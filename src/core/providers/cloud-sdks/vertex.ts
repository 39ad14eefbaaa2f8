/** Entry of dist/vertex.js: the Vertex SDK (with google-auth-library) as its own bundle, loaded only when Vertex is used. */
export { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
