// ESLint for the site's own scripts (static/js): plain browser scripts, no
// modules and no build step, each wrapped in a function with "use strict".
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, htmx: "readonly" },
    },
    rules: {
      strict: ["error", "function"],
      "no-var": "off",
      eqeqeq: "error",
      "no-implicit-globals": "error",
      // The loader (embed.js) runs on other sites' pages, old browsers
      // included: `catch (error)` rather than ES2019's bare `catch`.
      "no-unused-vars": ["error", { caughtErrors: "none" }],
    },
  },
];
