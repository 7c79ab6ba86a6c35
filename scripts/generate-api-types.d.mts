// Types of scripts/generate-api-types.mjs for the drift test.
export declare const apiTypesPath: string;
export declare function openApiDocument(): Promise<unknown>;
export declare function generateApiTypes(): Promise<string>;
