// SVG files imported from TypeScript are bundled as strings (the builder's
// asset/source rule for .svg issued from .ts/.tsx files).
declare module '*.svg' {
  const value: string;
  export default value;
}
