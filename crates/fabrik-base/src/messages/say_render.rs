//! A sentence rendered in both languages from its templates (`say_texts.rs`) and parameters.

use super::Say;
use crate::messages::{render, Params, Text};

impl Say {
    /// The sentence with no parameters.
    pub fn text(self) -> Text {
        self.with(Params::new())
    }

    /// The sentence with its parameters, in both languages.
    pub fn with(self, params: Params) -> Text {
        let t = self.template();
        Text::new(render(t.sv, &params), render(t.en, &params))
    }
}

/// Puts a two-language value into a sentence's parameters: `name` and `name_en`.
pub fn param_text(params: &mut Params, name: &str, text: &Text) {
    params.insert(name.to_string(), text.sv.clone());
    params.insert(format!("{name}_en"), text.en.clone());
}
