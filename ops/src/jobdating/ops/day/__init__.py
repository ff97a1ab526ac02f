"""The demo job dating run as a whole day on a sped-up clock (`jobdating demo`).

Once the demo is loaded, planned and published, the day follows the services' shared clock and acts as the
people of the day would, only through the public HTTP APIs: candidates check in at their site a little
before their first interview, one does not come (scheduling cancels their slots), a computer fails
mid-morning (the sites service hears it, scheduling repairs from the stream), every interview gets an
outcome when it ends (recorded by its company's signed-in recruiter), and a second interview is
booked as its own slot after each first interview that asked for one. Besides, by hand (`hands`): the
coordinator moves one interview with a reason, a site's host registers a walk-in, another marks a
candidate absent who then arrives late, the broken computer comes back in service, its free slots
going to the waiting list, and another site is closed for a fire alarm then reopened (`reopening`), the
second interviews its closing cancelled given back and its free slots going to its waiting list in the
same way.

`clock` readies the stack on the day's clock, `play` signs its people in (identity's demo accounts) and
has `driver` play the day with their access tokens, `choices` draws what happens from the
seed (the same plan gives the same day), `patience` keeps the day's HTTP calls going while a service
restarts, `summary` holds the day's figures and tells them.
"""
