//! The demo's tools: a form with every kind of field, structured output, every content type,
//! progress, logging at every level, sampling, elicitation (form and URL), roots, a tool list
//! that changes, a resource that changes, an error, and arguments only raw JSON can express.

use std::time::Duration;

use mcp::fastmcp::{Audio, Context, Elicitation, FastMcp, Image, Json, ToolDef};
use mcp::types::{
    ContentBlock, CreateMessageRequestParams, ElicitAction, ElicitRequestParams,
    ElicitRequestUrlParams, LoggingLevel, ResourceLink, SamplingMessage, TextResourceContents,
    ToolAnnotations,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::resources::{LOGO_PNG, NOTE_URI, Notes};

/// The demo's tools; `notes` is the note `touch_note` changes.
pub fn add(mcp: &FastMcp, notes: &Notes) {
    mcp.add_tool(
        ToolDef::new("greet", |args: GreetArgs| async move {
            format!("Hello, {}! Welcome to mcp dev.", args.name)
        })
        .with_title("Greet someone")
        .with_description("Say hello: the smallest tool there is.")
        .with_annotations(ToolAnnotations {
            read_only_hint: Some(true),
            idempotent_hint: Some(true),
            open_world_hint: Some(false),
            ..ToolAnnotations::default()
        }),
    );
    mcp.add_tool(
        ToolDef::new("book_trip", |trip: TripRequest| async move {
            Json(itinerary(trip))
        })
        .with_title("Book a trip")
        .with_description(
            "Plan a trip. Its form has every kind of field: bounded text and numbers, a choice \
             with titles, a multiple choice, a switch, a nested object, optional and nullable \
             fields, defaults. It answers with structured output checked against its schema.",
        )
        .with_annotations(ToolAnnotations {
            destructive_hint: Some(false),
            open_world_hint: Some(false),
            ..ToolAnnotations::default()
        }),
    );
    mcp.add_tool(
        ToolDef::new("weather", |args: WeatherArgs| async move {
            Json(weather(&args))
        })
        .with_title("Weather")
        .with_description("Today's (made-up) weather in a city, as structured output.")
        .with_annotations(ToolAnnotations {
            read_only_hint: Some(true),
            open_world_hint: Some(true),
            ..ToolAnnotations::default()
        }),
    );
    mcp.add_tool(
        ToolDef::new("show_media", |_: NoArgs| async move { media() })
            .with_title("Show media")
            .with_description(
                "Returns one block of every content type: text, an image, audio, an embedded \
                 resource and a resource link.",
            )
            .with_annotations(ToolAnnotations {
                read_only_hint: Some(true),
                ..ToolAnnotations::default()
            }),
    );
    mcp.add_tool(
        ToolDef::with_context("long_task", long_task)
            .with_title("Long task")
            .with_description(
                "Works in steps, reporting progress and logging each one; cancel it from the \
                 page.",
            ),
    );
    mcp.add_tool(
        ToolDef::with_context("log_levels", |cx: Context, _: NoArgs| async move {
            for level in [
                LoggingLevel::Debug,
                LoggingLevel::Info,
                LoggingLevel::Notice,
                LoggingLevel::Warning,
                LoggingLevel::Error,
                LoggingLevel::Critical,
                LoggingLevel::Alert,
                LoggingLevel::Emergency,
            ] {
                cx.log(
                    level,
                    Some("demo"),
                    json!({"message": format!("a {level:?} message"), "level": level}),
                )?;
            }
            Ok::<_, mcp::Error>("Sent one log message at each of the eight levels.")
        })
        .with_title("Log at every level")
        .with_description("Sends a log message at each level; set the level in the log pane."),
    );
    mcp.add_tool(
        ToolDef::with_context("ask_model", ask_model)
            .with_title("Ask the model")
            .with_description(
                "Asks the client's model (sampling). In the inspector you are the model: edit \
                 the reply and send it.",
            ),
    );
    mcp.add_tool(
        ToolDef::with_context("plan_party", plan_party)
            .with_title("Plan a party")
            .with_description("Asks you to fill in a form (elicitation, form mode).")
            .with_annotations(ToolAnnotations {
                open_world_hint: Some(false),
                ..ToolAnnotations::default()
            }),
    );
    mcp.add_tool(
        ToolDef::with_context("link_account", link_account)
            .with_title("Link an account")
            .with_description("Sends you to a web page (elicitation, URL mode)."),
    );
    mcp.add_tool(
        ToolDef::with_context("list_roots", |cx: Context, _: NoArgs| async move {
            let roots = cx.list_roots().await?;
            Ok::<_, mcp::Error>(if roots.roots.is_empty() {
                "The client has no roots. Add some in the Roots pane.".to_owned()
            } else {
                let lines: Vec<String> = roots
                    .roots
                    .iter()
                    .map(|r| match &r.name {
                        Some(name) => format!("- {name}: {}", r.uri),
                        None => format!("- {}", r.uri),
                    })
                    .collect();
                format!("The client's roots:\n{}", lines.join("\n"))
            })
        })
        .with_title("List the client's roots")
        .with_description("Asks the client for its roots (roots/list)."),
    );
    mcp.add_tool(
        ToolDef::with_context("toggle_bonus_tool", |cx: Context, _: NoArgs| async move {
            let server = cx.server();
            if server.remove_tool("bonus_echo") {
                "Removed bonus_echo: the tool list changed (notifications/tools/list_changed)."
            } else {
                server.add_tool(bonus_echo());
                "Added bonus_echo: the tool list changed (notifications/tools/list_changed)."
            }
        })
        .with_title("Toggle the bonus tool")
        .with_description("Adds or removes the bonus_echo tool, so the tool list changes."),
    );
    let note = notes.clone();
    mcp.add_tool(
        ToolDef::with_context("touch_note", move |cx: Context, args: NoteArgs| {
            let note = note.clone();
            async move {
                let text = note.append(&args.line);
                cx.server().notify_resource_updated(NOTE_URI);
                format!("{NOTE_URI} now reads:\n{text}")
            }
        })
        .with_title("Update the note")
        .with_description(
            "Adds a line to demo://notes/today and tells subscribers \
             (notifications/resources/updated): subscribe to it in the Resources pane first.",
        ),
    );
    mcp.add_tool(
        ToolDef::new("fail", |_: NoArgs| async move {
            Result::<String, String>::Err(
                "This tool always fails: its result has isError set.".to_owned(),
            )
        })
        .with_title("Fail")
        .with_description("Returns a tool error (isError: true)."),
    );
    mcp.add_tool(
        ToolDef::new("configure", |args: ConfigureArgs| async move {
            let rules: Vec<String> = args
                .rules
                .iter()
                .map(|r| format!("{} -> {}", r.pattern, r.action))
                .collect();
            format!(
                "Stored {} rule(s): {}; settings: {}",
                rules.len(),
                rules.join(", "),
                args.settings
            )
        })
        .with_title("Configure (raw JSON)")
        .with_description(
            "Takes an array of objects and free-form settings: arguments a form cannot show, \
             entered as JSON and checked against the schema.",
        ),
    );
}

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NoArgs {}

/// The arguments of `greet`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GreetArgs {
    /// Who to greet
    #[schemars(length(min = 1, max = 40))]
    name: String,
}

/// A seat class, offered as a choice with titles.
#[derive(Debug, Default, Clone, Copy, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeatClass {
    /// The cheapest seats
    #[schemars(title = "Economy")]
    #[default]
    Economy,
    /// More legroom
    #[schemars(title = "Premium economy")]
    Premium,
    /// A flat bed
    #[schemars(title = "Business")]
    Business,
}

/// Something to do on a trip: a plain `enum` (no titles), offered as a multiple choice.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Interest {
    #[allow(missing_docs)]
    Museums,
    #[allow(missing_docs)]
    Food,
    #[allow(missing_docs)]
    Hiking,
    #[allow(missing_docs)]
    Beaches,
    #[allow(missing_docs)]
    Nightlife,
}

/// Who gets the itinerary.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Contact {
    /// Email address
    #[schemars(email)]
    email: String,
    /// Phone number (optional)
    #[serde(default)]
    #[schemars(regex(pattern = r"^\+?[0-9 ]{6,20}$"))]
    phone: Option<String>,
}

fn one() -> u8 {
    1
}

/// The arguments of `book_trip`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct TripRequest {
    /// Where to go
    #[schemars(length(min = 2, max = 60))]
    destination: String,
    /// How many people travel
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 9))]
    travelers: u8,
    /// How many nights
    #[schemars(range(min = 1, max = 30))]
    nights: u32,
    /// Seat class
    #[serde(default)]
    class: SeatClass,
    /// What you would like to do
    #[serde(default)]
    interests: Vec<Interest>,
    /// Largest total budget in euros (empty: no limit)
    #[schemars(range(min = 0.0, max = 100000.0))]
    budget: Option<f64>,
    /// Dates may move by a day or two
    #[serde(default)]
    flexible: bool,
    /// Who gets the itinerary
    contact: Contact,
    /// Anything else
    #[serde(default)]
    notes: Option<String>,
}

/// The itinerary `book_trip` returns.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Itinerary {
    /// A booking reference.
    reference: String,
    /// Where.
    destination: String,
    /// How many people.
    travelers: u8,
    /// How many nights.
    nights: u32,
    /// The seat class.
    class: SeatClass,
    /// One activity per interest.
    activities: Vec<String>,
    /// The estimated price in euros.
    price_eur: f64,
    /// Whether the price fits the budget.
    within_budget: bool,
    /// Where the itinerary goes.
    send_to: String,
    /// The notes given, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
}

fn itinerary(trip: TripRequest) -> Itinerary {
    let per_night = match trip.class {
        SeatClass::Economy => 90.0,
        SeatClass::Premium => 140.0,
        SeatClass::Business => 260.0,
    };
    let price = per_night * f64::from(trip.nights) * f64::from(trip.travelers)
        + if trip.flexible { 0.0 } else { 40.0 };
    let activities = trip
        .interests
        .iter()
        .map(|i| match i {
            Interest::Museums => format!("A morning at the museums of {}", trip.destination),
            Interest::Food => "A food tour with a local guide".to_owned(),
            Interest::Hiking => "A day hike in the hills".to_owned(),
            Interest::Beaches => "An afternoon on the beach".to_owned(),
            Interest::Nightlife => "A night out in the old town".to_owned(),
        })
        .collect();
    let reference: u32 = trip
        .destination
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    Itinerary {
        reference: format!("TRIP-{:06}", reference % 1_000_000),
        destination: trip.destination,
        travelers: trip.travelers,
        nights: trip.nights,
        class: trip.class,
        activities,
        price_eur: price,
        within_budget: trip.budget.is_none_or(|b| price <= b),
        send_to: match trip.contact.phone {
            Some(phone) => format!("{} ({phone})", trip.contact.email),
            None => trip.contact.email,
        },
        notes: trip.notes,
    }
}

/// Units of temperature.
#[derive(Debug, Default, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    /// Degrees Celsius.
    #[default]
    Celsius,
    /// Degrees Fahrenheit.
    Fahrenheit,
}

/// The arguments of `weather`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct WeatherArgs {
    /// The city
    city: String,
    /// Temperature units
    #[serde(default)]
    units: Units,
}

/// Today's weather.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Weather {
    /// The city.
    city: String,
    /// The temperature, in the units asked for.
    temperature: f64,
    /// `°C` or `°F`.
    unit: String,
    /// Sunny, cloudy, ...
    conditions: String,
    /// Relative humidity in percent.
    humidity: u8,
}

fn weather(args: &WeatherArgs) -> Weather {
    let seed = args
        .city
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(33) ^ u32::from(b));
    let celsius = f64::from(seed % 30) + 2.5;
    let (temperature, unit) = match args.units {
        Units::Celsius => (celsius, "°C"),
        Units::Fahrenheit => (celsius * 9.0 / 5.0 + 32.0, "°F"),
    };
    Weather {
        city: args.city.clone(),
        temperature,
        unit: unit.to_owned(),
        conditions: ["sunny", "cloudy", "rainy", "windy"][(seed % 4) as usize].to_owned(),
        humidity: (seed % 60) as u8 + 30,
    }
}

/// A short two-note chime as a WAV file (8 kHz, 8-bit mono).
pub fn chime_wav() -> Vec<u8> {
    const RATE: u32 = 8000;
    let samples: Vec<u8> = (0..RATE * 6 / 10)
        .map(|i| {
            let t = f64::from(i) / f64::from(RATE);
            let freq = if t < 0.3 { 660.0 } else { 880.0 };
            let envelope = (1.0 - (t % 0.3) / 0.3).max(0.0);
            let value = (t * freq * std::f64::consts::TAU).sin() * envelope * 90.0;
            (128.0 + value) as u8
        })
        .collect();
    let mut wav = Vec::with_capacity(44 + samples.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&RATE.to_le_bytes());
    wav.extend_from_slice(&RATE.to_le_bytes()); // bytes per second
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&(samples.len() as u32).to_le_bytes());
    wav.extend_from_slice(&samples);
    wav
}

fn media() -> Vec<ContentBlock> {
    vec![
        ContentBlock::text("One block of each content type follows."),
        Image::new(LOGO_PNG.to_vec(), "png").to_content().into(),
        Audio::new(chime_wav(), "wav").to_content().into(),
        ContentBlock::resource(
            TextResourceContents::new(
                "demo://embedded/greeting.md",
                "# Embedded\n\nThis resource travels **inside** the tool result.",
            )
            .with_mime_type("text/markdown"),
        ),
        ContentBlock::resource_link(ResourceLink {
            description: Some(
                "The demo's readme: a link, read it from the Resources pane".to_owned(),
            ),
            mime_type: Some("text/markdown".to_owned()),
            ..ResourceLink::new("demo://readme", "readme")
        }),
    ]
}

/// The arguments of `long_task`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct LongTaskArgs {
    /// How many steps
    #[serde(default = "eight")]
    #[schemars(range(min = 1, max = 50))]
    steps: u32,
    /// How long each step takes, in milliseconds
    #[serde(default = "four_hundred")]
    #[schemars(range(min = 10, max = 5000))]
    step_ms: u64,
}

fn eight() -> u32 {
    8
}
fn four_hundred() -> u64 {
    400
}

async fn long_task(cx: Context, args: LongTaskArgs) -> mcp::Result<String> {
    let steps = args.steps.clamp(1, 50);
    for step in 1..=steps {
        tokio::time::sleep(Duration::from_millis(args.step_ms.clamp(10, 5000))).await;
        cx.report_progress(
            f64::from(step),
            Some(f64::from(steps)),
            Some(&format!("step {step} of {steps}")),
        )?;
        cx.debug(format!("long_task: step {step} of {steps} done"))?;
    }
    cx.info(format!("long_task finished {steps} steps"))?;
    Ok(format!("Done: {steps} steps."))
}

/// The arguments of `ask_model`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AskArgs {
    /// What to ask the model
    #[schemars(length(min = 1))]
    question: String,
    /// The longest answer wanted, in tokens
    #[serde(default = "two_hundred")]
    #[schemars(range(min = 1, max = 4096))]
    max_tokens: u64,
}

fn two_hundred() -> u64 {
    200
}

async fn ask_model(cx: Context, args: AskArgs) -> mcp::Result<String> {
    let mut params = CreateMessageRequestParams::new(
        vec![SamplingMessage::user_text(args.question)],
        args.max_tokens,
    );
    params.system_prompt = Some("You are a helpful assistant inside the mcp dev demo.".into());
    let answer = cx.create_message(params).await?;
    let text = answer.content.as_text().unwrap_or("(no text)");
    Ok(format!("The model ({}) answered: {text}", answer.model))
}

/// A party theme: a plain `enum`, as elicitation forms take them.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[allow(missing_docs)]
    Disco,
    #[allow(missing_docs)]
    Pirates,
    #[allow(missing_docs)]
    Space,
}

/// The form `plan_party` asks for.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PartyDetails {
    /// How many guests
    #[schemars(range(min = 1, max = 200))]
    guests: u32,
    /// The theme
    theme: Theme,
    /// Vegetarian food only
    #[serde(default)]
    vegetarian: bool,
    /// The host's name
    #[serde(default)]
    host: Option<String>,
}

/// The arguments of `plan_party`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PartyArgs {
    /// What the party is for
    #[serde(default = "birthday")]
    occasion: String,
}

fn birthday() -> String {
    "a birthday".to_owned()
}

async fn plan_party(cx: Context, args: PartyArgs) -> mcp::Result<String> {
    let message = format!("Tell me about {}.", args.occasion);
    Ok(match cx.elicit::<PartyDetails>(message).await? {
        Elicitation::Accept(details) => format!(
            "Planned {} for {} guests, theme {:?}{}{}.",
            args.occasion,
            details.guests,
            details.theme,
            if details.vegetarian {
                ", vegetarian food"
            } else {
                ""
            },
            details
                .host
                .map(|h| format!(", hosted by {h}"))
                .unwrap_or_default(),
        ),
        Elicitation::Decline => "You declined to give the details; no party.".to_owned(),
        Elicitation::Cancel => "You dismissed the form; no party.".to_owned(),
    })
}

async fn link_account(cx: Context, _: NoArgs) -> mcp::Result<String> {
    let mut params = ElicitRequestUrlParams::new(
        "Sign in to the (pretend) demo service to link your account.",
        "https://example.com/mcp-demo/link?session=demo",
    );
    params.elicitation_id = Some(format!("link-{}", cx.request_id()));
    let answer = cx
        .request()
        .elicit(ElicitRequestParams::Url(params))
        .await?;
    Ok(match answer.action {
        ElicitAction::Accept => "You agreed to open the page: the account is being linked.",
        ElicitAction::Decline => "You declined to open the page.",
        _ => "You dismissed the request.",
    }
    .to_owned())
}

fn bonus_echo() -> ToolDef {
    ToolDef::new("bonus_echo", |args: EchoArgs| async move { args.text })
        .with_title("Bonus echo")
        .with_description("A tool that comes and goes (see toggle_bonus_tool).")
}

/// The arguments of `bonus_echo`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct EchoArgs {
    /// What to echo
    text: String,
}

/// The arguments of `touch_note`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct NoteArgs {
    /// The line to add
    #[serde(default = "a_line")]
    #[schemars(length(min = 1, max = 200))]
    line: String,
}

fn a_line() -> String {
    "Touched from the inspector.".to_owned()
}

/// A rule of `configure`: an array of objects, which a form cannot show.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Rule {
    /// What the rule matches
    pattern: String,
    /// What to do
    action: String,
}

/// The arguments of `configure`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ConfigureArgs {
    /// The rules, in order
    rules: Vec<Rule>,
    /// Free-form settings
    #[serde(default)]
    settings: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chime_is_a_wav_file() {
        let wav = chime_wav();
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[8..12], b"WAVE");
        assert_eq!(
            u32::from_le_bytes(wav[4..8].try_into().unwrap()) as usize,
            wav.len() - 8
        );
    }

    #[test]
    fn the_trip_form_has_every_kind_of_field() {
        let tool = ToolDef::new(
            "book_trip",
            |t: TripRequest| async move { Json(itinerary(t)) },
        );
        let schema = serde_json::Value::Object(tool.tool().input_schema.clone());
        let p = &schema["properties"];
        assert_eq!(p["destination"]["minLength"], 2);
        assert_eq!(p["travelers"]["maximum"], 9);
        assert_eq!(p["travelers"]["default"], 1);
        assert!(
            p["class"]["oneOf"][0]["const"].is_string(),
            "{}",
            p["class"]
        );
        assert!(
            p["class"]["oneOf"][0]["title"].is_string(),
            "{}",
            p["class"]
        );
        assert!(
            p["interests"]["items"]["enum"].is_array(),
            "{}",
            p["interests"]
        );
        assert_eq!(p["flexible"]["type"], "boolean");
        assert_eq!(p["contact"]["type"], "object");
        assert!(
            p["budget"]["type"].as_array().is_some(),
            "nullable: {}",
            p["budget"]
        );
        let required = schema["required"].as_array().unwrap();
        assert!(required.contains(&json!("destination")));
        assert!(!required.contains(&json!("notes")));
        assert!(tool.tool().output_schema.is_some());
    }
}
