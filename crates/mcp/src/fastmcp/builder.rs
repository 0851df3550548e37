//! Configuring a [`FastMcp`] once, before it serves: its identity, instructions, dependencies,
//! lifespan and page size. What it serves (tools, resources, prompts) changes at any time
//! after.

use std::fmt;
use std::sync::Arc;

use super::skills::SkillCatalog;
use super::{DEFAULT_PAGE_SIZE, FastHandler, FastMcp, Registry};
use crate::server::tasks::TaskSettings;
use crate::server::{Lifespan, RequestStateKey, Server, ServerBuilder};
use crate::types::Implementation;

/// Puts the lifespan on the server builder (its state type is known only where it was given).
type ApplyLifespan =
    Box<dyn FnOnce(ServerBuilder<FastHandler>) -> ServerBuilder<FastHandler> + Send>;

/// Builds a [`FastMcp`] (see [`FastMcp::builder`]).
pub struct FastMcpBuilder {
    info: Implementation,
    instructions: Option<String>,
    dependencies: Vec<String>,
    lifespan: Option<ApplyLifespan>,
    page_size: usize,
    tasks: TaskSettings,
    skills: bool,
    state_key: Option<RequestStateKey>,
}

impl fmt::Debug for FastMcpBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FastMcpBuilder")
            .field("info", &self.info)
            .finish()
    }
}

impl FastMcpBuilder {
    pub(super) fn new(name: impl Into<String>) -> Self {
        Self {
            info: Implementation::new(name, env!("CARGO_PKG_VERSION")),
            instructions: None,
            dependencies: Vec::new(),
            lifespan: None,
            page_size: DEFAULT_PAGE_SIZE,
            tasks: TaskSettings::in_memory(),
            skills: false,
            state_key: None,
        }
    }

    /// The server's version (the default is this SDK's).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.info.version = version.into();
        self
    }

    /// A human-readable title for the server.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = Some(title.into());
        self
    }

    /// How to use the server, for the model.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Packages the server needs, kept as metadata (`mcp install --with` can use them).
    pub fn dependencies<I, S>(mut self, dependencies: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.dependencies
            .extend(dependencies.into_iter().map(Into::into));
        self
    }

    /// Set-up and tear-down around the server's life; tools reach the state with
    /// [`Context::lifespan`](crate::server::RequestContext::lifespan).
    pub fn lifespan(mut self, lifespan: impl Lifespan) -> Self {
        self.lifespan = Some(Box::new(move |builder| builder.lifespan(lifespan)));
        self
    }

    /// How many items one page of a list holds (default 100).
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    /// Where and how the tools that run as tasks keep them (the default: in this process's
    /// memory, an hour each). Instances of one server behind a load balancer share a store.
    pub fn tasks(mut self, settings: TaskSettings) -> Self {
        self.tasks = settings;
        self
    }

    /// Serves skills (the skills extension, `io.modelcontextprotocol/skills`, with
    /// `resources/directory/read`): the server declares the extension, and
    /// [`FastMcp::add_skill`] and [`FastMcp::add_skills_dir`] add what it serves.
    pub fn skills(mut self) -> Self {
        self.skills = true;
        self
    }

    /// The key that seals the request state of multi round-trip requests (default: a random
    /// one). Replicas behind a load balancer share one, say from
    /// [`RequestStateKey::from_env`], so that any of them opens what another sealed.
    pub fn request_state_key(mut self, key: RequestStateKey) -> Self {
        self.state_key = Some(key);
        self
    }

    /// Builds the server, with nothing in it yet.
    pub fn build(self) -> FastMcp {
        let inner = Arc::new_cyclic(|registry| {
            let handler = FastHandler {
                registry: registry.clone(),
                skills: self.skills,
            };
            let mut server = Server::builder(String::new(), handler)
                .info(self.info)
                .tasks(self.tasks);
            if let Some(instructions) = self.instructions {
                server = server.instructions(instructions);
            }
            if let Some(lifespan) = self.lifespan {
                server = lifespan(server);
            }
            if let Some(key) = self.state_key {
                server = server.request_state_key(key);
            }
            Registry {
                dependencies: self.dependencies,
                page_size: self.page_size,
                tools: Default::default(),
                resources: Default::default(),
                templates: Default::default(),
                prompts: Default::default(),
                completions: Default::default(),
                skills: self.skills.then(SkillCatalog::default),
                server: server.build(),
            }
        });
        FastMcp { inner }
    }
}
