"""The forum cycle, owned by the registration service: forum series and their policy numbers,
the annual clock (year plans, themes, the decision calendar, planned slots), each forum's dated
milestones recorded from evidence, and the compliance view built on them.

Laid out like a service of its own: ``models`` (tables, in registration's database), ``numbers``
(the policy numbers of an event's series), ``milestones`` (scheduling and recording), and the
pages, API, tasks and exports beside them. Other services never read these tables: they report
what happened through their outbox (``feedback.window_opened``, ``memo.published``, ...) and read
the milestones through registration's JSON API.
"""
