/**
 * The part of markdown-it's API that agreement.ts uses (parse to tokens), typed here rather than through
 * @types/markdown-it: the parse is all we call, and its shape has been stable across markdown-it 10-14.
 */
declare module 'markdown-it' {
  interface Token {
    type: string;
    tag: string;
    content: string;
    attrGet(name: string): string | null;
  }
  interface Options {
    html?: boolean;
    linkify?: boolean;
    typographer?: boolean;
  }
  export default class MarkdownIt {
    constructor(preset?: 'default' | 'commonmark' | 'zero', options?: Options);
    enable(rules: string | string[], ignoreInvalid?: boolean): this;
    parse(src: string, env: object): Token[];
  }
}
