"""HTML pages: one module per page group, Jinja2 templates in templates/, htmx for partial updates."""
