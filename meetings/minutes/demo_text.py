# ruff: noqa: E501
"""Minute texts of the demo meetings, copied from seed 000 (Kirklees Council minutes of
the Children's Scrutiny Panel, 9 August 2017, and the Corporate Parenting Board, 20 February
and 24 April 2017). Each entry: (title, paragraphs, resolutions); lines starting "- " are
bullets."""

AUG = [
    (
        "Membership of the Committee",
        [
            "Apologies for absence were received from Councillor Robert Light and Fatima Khan-Shah "
            "(Co-optee)."
        ],
        [],
    ),
    ("Interests", ["No interests were declared."], []),
    ("Admission of the Public", ["Agreed that all items be considered in the public session."], []),
    (
        "Leadership arrangements and priorities for Children's Services in 2017/18",
        [
            "Steve Walker, Strategic Director for Children and Families confirmed to the Panel that he "
            "had been appointed to provide support to Kirklees Council from Leeds City Council. He "
            "informed the Panel that Saleem Tariq had also been appointed as Service Director, and that "
            "Elaine McShane had been seconded full time to Kirklees Council.",
            "Mr Walker explained that Leeds City Council had been on a similar improvement journey, "
            "working with Eleanor Brazil and he could bring the lessons learned at on that journey and "
            "could provide consistency and stability to Kirklees Council. Although the formal declaration "
            "from the Secretary of State had not been made about the partnership, both Leeds City Council "
            "and Kirklees Council agreed that there should be no delay in beginning to work together on "
            "the improvement journey.",
            "The Panel was advised that as the Strategic Director of Children's Services, Mr Walker would "
            "be a presence within Kirklees and would be accountable to them for performance. There would "
            "be a clear governance structure and the improvement programme would develop over time with a "
            "good social work model of practice, with cases allocated and children being seen. This model "
            "and clear agreement would be brought to the Panel for consideration once it had been "
            "established.",
            "Eleanor Brazil, Independent Improvement Partner, advised the Panel that the formal approach "
            "between Kirklees Council and Leeds City Council would be published in the second week of "
            "September and would outline the new direction being taken. Ms Brazil gave credit to Leeds "
            "City Council for accepting the strategic partnership. The Panel was informed that there "
            "would be funding available from the Department of Education to support the improvement "
            "journey; however Ms Brazil could not confirm how much funding would be provided and what the "
            "money could be used for.",
            "Ms Brazil explained that although the Trust model was effective in authorities such as "
            "Doncaster and Slough, there was a huge cost financially and in time and resources to put the "
            "new organisation in place. However, the alternative approach of collaboration with another "
            "authority was one that would be monitored by the Department of Education to assess its "
            "effectiveness, with the focus being to get on with the improvement journey. Ms Brazil "
            "informed the Board that there was no direction to go into partnership with Leeds City "
            "Council, but both authorities did this on a voluntary basis, and she confirmed that the "
            "other party to the partnership would be the Department of Education due to the funding that "
            "would be available. A draft of the partnership arrangement would be available by the end of "
            "September, but this would just be the parameters but would likely include the timeline, "
            "governance arrangements and details of the funding being provided.",
            "The Panel asked Ms Brazil if she felt improvements had been made since her first visit in "
            "December 2016. Ms Brazil confirmed that the service had struggled, particularly with the "
            "senior leadership team, which had seen a number of changes. The Panel were informed that the "
            "quick fixes that had been put in place by the service, were not the best approach that could "
            "have been taken, and that staff felt the service had become chaotic. These quick fixes "
            "should not happen again, and Ms Brazil felt that the service, at best, had stood still. The "
            "service was no longer chaotic, but she had not seen the improvement that she would have "
            "wanted to see at this stage. The Panel were advised there had been very little performance "
            "data, although that had now improved and the focus would be on improving the areas that the "
            "service should have been doing better in.",
            "The Panel was informed that the Improvement Plan was being reviewed and there would be some "
            "changes made to it. Of particular note would be the re-thinking of the Model of Practice, "
            "improving social work recordings and ensuring that case files were kept up to date. The "
            "Panel was advised that the Leader of the Council, Leading Members and the Chief Executive "
            "had seen Ms Brazil's most recent report which contained timescales for the improving "
            "service. The Improvement Plan would contain milestones and would be updated quickly with "
            "progress made. However, Ms Brazil advised the Panel that the improvement journey would take "
            "between 18 months and 2 years to complete, but that improvement should be seen along the "
            "way. The plan would also look at how the difficulties within the service came about to "
            "ensure that this did not happen again.",
            "Following questions from the Panel regarding the leadership in Children's Services Mr Walker "
            "informed the Panel that all Heads of Service posts were filled, although two of them were on "
            "an interim basis. Those posts would be recruited to on a permanent basis in September and "
            "would provide a Head of Service to work with the Multi Agency Safeguarding Hub (MASH) and "
            "Duty and Advice, with the other post working with Assessment and Care Management. Training "
            "programmes were being rolled out with some of those for the Leadership Management Team, who "
            "were a fairly new team.",
            "The Panel asked about the use of agency staff within Children's Services and Mr Walker "
            "confirmed that there was significant use of agency staff, costing around £5m per year. The "
            "level of agency staff was currently between 20% & 25% and although the reliance on agency "
            "staff needed to be reduced, this would take time to resolve due to a number of issues. Given "
            "the difficulties within Children's Services, staff sometimes felt unsupported, with no clear "
            "vision as to how the service would improve, and this often meant that they left to work for "
            "other authorities. There was also difficulty in recruiting new staff to a struggling "
            "service, and it was shown that this was not an issue of resources, given the additional £13m "
            "that the service had been given last year, but was around giving support to social workers "
            "to enable them to work effectively. Mr Walker advised the Panel that staff should be "
            "reminded that although agency staff did appear to be paid a higher amount they did not "
            "receive sick pay, holiday pay or pension contributions.",
        ],
        [
            "- 1) That the current leadership arrangements in Children's Services be noted.",
            "- 2) That the priority areas of focus for the Leadership Team and Management Team be noted "
            "and considered as part of planning the work programme.",
        ],
    ),
    (
        "Ofsted - Update on monitoring visit",
        [
            "The Panel considered the outcome of the most recent Ofsted monitoring visit, and noted that "
            "it was disappointing but not unexpected and was a realistic assessment of the service. Ms "
            "Brazil advised that the issue was with the pace of improvement, which needed to be improved "
            "significantly. The Panel asked Ms Brazil what had hindered the progress, and she confirmed "
            "that a significant factor was the leadership and the lack of an effective social work model. "
            "The Panel was informed that there needed to be a clear way in which social workers and "
            "partners intervened to work with families as the current way of working resulted in too much "
            "delay. There had not been enough knowledge about good social work planning and the system to "
            "support social workers was lacking.",
            "The Panel heard that a previous recommendation from Ofsted had been a replacement of the "
            "case management system, but this was often used as an excuse for poor social work "
            "recordings. These excuses had been accepted previously, but this was no longer the case. It "
            "was acknowledged that the case management system did need replacing, however it was a "
            "useable system and managers should have been encouraging social workers to use it.",
            "Mr Walker informed the Panel that although it was disappointing, Ofsted had identified "
            "progress made within the service. He explained that the IT system was to be replaced and was "
            "one of the reasons why progress had been limited however, it was important to involve staff "
            "in the how the new system would be set up, and it had therefore been delayed for this "
            "process to take place. The service would then go back to fundamentals and ensure that there "
            "was a training programme rolled out to staff on the use of the IT system.",
            "The Panel asked whether the difficulties encountered within Children's Services were a "
            "'managed decline', given the limited improvement that Ofsted had seen, and asked when the "
            "decline had begun, given the previous Ofsted reports. Ms Brazil explained to the Panel that "
            "from the original report being provided, there were differences in the number of children "
            "where the degree of risk was not being addressed. She informed the Panel that this was not "
            "the case now, and that was important given the safeguarding of children being the first "
            "priority. Children were now safer than they were last year and there were social workers "
            "doing some excellent work.",
            "The Panel noted that the demands on Social Care were increasing both for the service and for "
            "partner agencies. Expectations in terms of Child Sexual Exploitations (CSE) were higher than "
            "they were previously, and Ofsted inspections themselves were more rigorous now than they "
            "used to be. The Panel was informed that the journey of a child from start to end and the "
            "experiences they encountered on the journey was considered when Ofsted inspected. There were "
            "higher standards set between the last inspection in 2011 to the recent one in 2016, and "
            "Kirklees didn't keep up with the pace of change. Changes implemented in other local "
            "authority areas didn't happen in Kirklees and the use of independent assessments of the "
            "service were not utilised. Peer review could be undertaken by other authorities, the Local "
            "Government Association or by Commissioners, but had not taken place and it was felt that "
            "scrutiny was not as robust as it could have been. The Panel noted that the focus of scrutiny "
            "in previous years had been officer led, and that had often resulted in scrutiny being "
            "steered in the wrong direction.",
            "Mr Walker explained that Kirklees suffered from lack of succession planning and lessons "
            "could be learned from Leeds Council who now had a clear plan on the future direction of "
            "social care. Performance management information would have focused minds on strategies "
            "needed to deal with increased demand. Mr Walker informed the Panel that the Performance "
            "information as a data set should be brought to the Children's Scrutiny Panel.",
            "Panel members noted that information given to the Children's Services Ad-hoc Scrutiny Panel "
            "was of some concern to them, particularly the Risk Sensible model of Social Work. Mr Walker "
            "explained that there had been a lack of understanding around this complex model and a lack "
            "of evidence as to why this model was chosen. He informed the Panel that there was a strong "
            "evidence base for the Restorative Practice Social Work model and was a model that staff "
            "could relate to. The Panel were told that 3 or 4 other Local Authority areas had implemented "
            "this model and had subsequently received a good Ofsted rating.",
            "Ms Brazil informed the Panel that the Risk Sensible model was used in Blackpool and "
            "Lancashire but it wasn't a straightforward model and only 20% of staff in Kirklees had been "
            "trained in that model. She explained however, that the Restorative Practice Model used in "
            "Leeds had been evaluation by the DfE and this report would be useful for Panel members to "
            "see.",
            "Panel members raised concerns about morale amongst social workers, particularly in relation "
            "to the changes of staff and the upcoming IT system. The Panel also asked how the service was "
            "ensuring children were kept safe during the restructure. Mr Walker explained that the "
            "service had taken a step back to consider what was important to people working in their "
            "jobs, and to understand that it wasn't necessarily about being paid more money. He informed "
            "the Panel that in Leeds, they had begun to understand that staff wanted a clear career path, "
            "to be trained and supported well and to have a manageable caseload. Mentoring posts had been "
            "created with advanced practitioners supporting and mentoring newly qualified social workers. "
            "Mr Walker explained that this had reduced the turnover of staff in Leeds with an increase "
            "being seen in staff having more than 2 years post qualifying experience. This had gone from "
            "around 52% in 2013 to 80% in 2015. Mr Walker explained that in 2 years' time, the use of "
            "agency staff should be less 10% and with effective monitoring it would tell in advance if "
            "this target was unlikely to be met.",
            "Mr Walker informed the board that in ensuring children were kept safe; the Service was "
            "working on the 5 core principles of social work which was 1) allocation, 2) seeing the "
            "child/children), 3) assessment, 2) planning and 5) reviewing. This would ensure that fewer "
            "things were likely to go wrong and ensure that children were kept safe.",
            "The Panel noted that the next monitoring visit was due late October beginning of November, "
            "and Ms Brazil hoped that there would be a positive, although not significant change in "
            "children being better served in Kirklees. There were currently around 2,000 children "
            "allocated a social worker, and Ofsted would only look at a tiny number of these. However, "
            "they would want to see better use of the case recording system, more supervision and better "
            "decision making. Ms Brazil noted that staff were reporting confidence in the new leadership "
            "direction.",
            "Cllr Masood Ahmed informed the Panel that the service was on a journey and it would take "
            "time to improve to an acceptable level. Recent changes had seen social workers moving to "
            "Civic Centre 1, and he was confident that this would improve staff morale and would ensure "
            "that the senior leadership team and Members would see staff there on a regular basis.",
            "Mr Walker recommended that the reports and minutes from the Improvement Board be brought to "
            "the Children's Scrutiny Panel so that it could support the work of the Improvement Board.",
        ],
        [
            "- 1) That the OFSTED monitoring visit outcomes be noted, including the limited progress "
            "made.",
            "- 2) That the issues raised by the report, including recruitment and retention be picked up "
            "as part of work programming.",
        ],
    ),
    (
        "Draft work programme for the Panel",
        [
            "The Panel considered the draft work programme for the Children's Scrutiny Panel and had a "
            "discussion about ensuring that Scrutiny were not duplicating work being carried out "
            "elsewhere."
        ],
        [
            "- 1) That the work programme be drafted as agreed at the meeting, with particular focus on;",
            "- The improvement journey – quarterly",
            "- Corporate Parenting – including fostering and adoption",
            "- Elective Home Education",
            "- Special Needs Education",
            "- 2) That update briefing notes be provided where in depth work is not required.",
        ],
    ),
    (
        "Schedule of Meetings 2017/18",
        [],
        [
            "- 1) That the next meeting of the Panel be held on a Monday at 11am. This arrangement to be "
            "reviewed as required.",
            "- 2) That the next meeting focus on Corporate Parenting.",
        ],
    ),
]

FEB = [
    (
        "Membership of the Board/Apologies",
        [
            "Apologies for absence were received on behalf of Rachel Spencer-Henshall, Director of Public "
            "Health and Marion Gray, Learning & Organisational Development Manager."
        ],
        [],
    ),
    (
        "Minutes of previous meeting",
        [
            "That the minutes of the meeting held on 16 January 2017 be approved as a correct record."
        ],
        [],
    ),
    ("Interests", ["No interests were declared."], []),
    (
        "Admission of the Public",
        [
            "The Panel considered the question of the admission of the public and determined that item 13 "
            "on the agenda would be held in private session."
        ],
        [],
    ),
    ("Deputations/Petitions", ["No deputations or petitions were received."], []),
    ("Public Question Time", ["No questions were received."], []),
    (
        "Terms of Reference/Membership of the Board",
        [
            "That the report be noted and submitted to the annual meeting of the Council (24 May 2017) "
            "with the recommendation that approval be given to updating the terms of reference and "
            "membership of the Board, as set out in the report.",
            "Martin Green, Deputy Assistant Director presented the Board with a report seeking approval "
            "for a revised Terms of Reference (ToR) and membership for the Board to be considered for "
            "adoption at the Annual Council meeting in May 2017.",
            "Martin explained that there had been minor amendments to the ToR, with wording being amended "
            "to reflect current practice in Children's Services. He explained that ToR 13 and 14 had been "
            "removed completely as the Virtual School had its own Governing Body and the influence of "
            'young people had been captured with the ToR on "Voice of the Child".',
            "Julie Mephram then explained that she was seeking to reduce the frequency of the cycle of "
            "meetings and outlined the proposed new membership for the Board:",
            "- Cabinet Portfolio Lead Member",
            "- Elected Members representing all political parties",
            "- Assistant Director, Family Support & Child Protection",
            "- Head of Corporate Parenting",
            "- Virtual Head Teacher",
            "- Assistant Director, Learning and Skills",
            "- Health Commissioning representative",
            "- Head of Independent Review and Advocacy",
            "Julie explained that representatives from a range of services and partner agencies would "
            "also invited as appropriate, dependent on the items being considered at each meeting.",
            "The Board was advised that the membership did not include the Director for Children's "
            "Services and it was felt appropriate to include the Director on the distribution list, along "
            "with partner representatives. The Board felt this would enable partners to maintain an "
            "understanding of the Board's focuses and priorities.",
            "Gill Ellis, Interim Director for Children and Young People outlined that twice termly "
            "meetings would fit in with performance management timescales and the Board agreed that those "
            "timescales would work well. It was also advised that a half day informal event could be "
            "included as an annual event within the agenda plan to enable the Board to interact with "
            "young people and include them within the business of the Board.",
        ],
        [
            "That the report be noted and submitted to the annual meeting of the Council (24 May 2017) "
            "with the recommendation that approval be given to updating the terms of reference and "
            "membership of the Board, as set out in the report."
        ],
    ),
    (
        "Stability Triangle and Performance Reporting",
        [
            "Abi Ajayi, Team Manager presented the Board with a report on the latest available "
            "performance data. The report provided data on specifically requested information applicable "
            "to maintaining the “stability triangle”.",
            "Abi explained that there were more children coming into care than there were leaving care "
            "but that the number of looked after children (LAC) was roughly in line with statistical "
            "neighbours.",
            "Abi advised that the majority of admissions to care came through independent care orders and "
            "the majority of places were within fostering placements. She explained that the longer term "
            "stability of placements was quite stable but children who were new into care tended to be "
            "placed within a number of placements.",
            "Julie Mepham explained that there is a significant issue with stability of places and that "
            "the service was working across West Yorkshire to address this. She advised that the new "
            "Director for Place would be leading on sufficiency planning.",
            "Cllr Marchington questioned what work was taking place on identifying the cause of children "
            "coming into care and targeted support to help families. Julie explained that there was a "
            "group currently looking at Edge of Care in an attempt to identify required support. The "
            "Board questioned whether an update on this area could be considered at a future meeting and "
            "Julie advised that when the work was complete, an update report would be drafted.",
            "Abi moved on to explain that statutory visits had improved dramatically and explained that "
            "this increase wasn't because the visits weren't previously being done but that the recording "
            "of the visits had got smarter.",
            "The Board highlighted that they would like some additional data to be included within the "
            "report, under the stability triangle:",
            "Placement & accommodation",
            "- Capacity available",
            "Significant relationship",
            "- Number of changes of social worker",
            "Education, Employment & Training",
            "- School moves",
        ],
        [
            "- (1) the content of the report be noted, with thanks to Abi Ajayi.",
            "- (2) up to date data relating to the stability triangle be presented to every Board meeting "
            "in order for the Board to monitor the performance in these areas.",
        ],
    ),
    (
        "Virtual Head Teacher Report",
        [
            "Janet Tolley, Virtual School Headteacher presented the Board with the draft Head Teacher's "
            "report from August 2016. The report outlined progress made against the priorities identified "
            "for 2015-16 and highlighted the improvement priorities for 2016-17.",
            "Janet explained that there were changes to the way results are reported in 2016 which meant "
            "that KS2 results can now not be compared to any result prior to 2016. She advised that once "
            "the statistical first release of data is available, there would be more to report on.",
            "Janet outlined the priorities for 2016/17 outlining that there were cross service priorities "
            "as well as priorities that will be delivered directly by the Virtual School (VS):",
            "Strategic priorities – cross service",
            "- Working as a 0-19 VS - key areas to address in 2016/17 include",
            "- Ensure VS has capacity to implement the agreed developments",
            "- Corporate Parenting responsibility - key areas to address in 2016/17 include:",
            "- Ongoing development of the Corporate Parenting Strategy",
            "- Ongoing development of the corporate data dashboard",
            "- Stability – key areas to address in 2016/17 include",
            "- Commissioning and funding out of area placements where education needs are complex",
            "- Strategic work to reduce the number of school, placement and Social Worker changes",
            "- Developing the work of the Accommodation Strategy Group",
            "- Outcomes for other local authority looked after children (LAC) - key areas to address in "
            "2016/17 include",
            "- Working strategically with the Improving Outcomes for the other local authority looked "
            "after children group",
            "- Role of the VS for adopted children - key areas to address in 2016/17 include",
            "- Working strategically with the Regional Adoption Group",
            "- Ensuring the Virtual School has sufficient resources to address this work",
            "Strategic priorities – Virtual School",
            "- Pupil support and intervention - key areas to address in 2016/17 include",
            "- Effective and efficient deployment of resources",
            "- Regular and systematic monitoring of intervention and support",
            "- Pupil premium – key areas to address in 2016/17 include",
            "- To develop a systematic, analytical approach to monitor the impact of Pupil Premium",
            "- Data - key areas to address in 2016/17 include",
            "- Engage with the Leadership Team to ensure the needs of the Virtual School are met with the "
            "ongoing updates to Kirklees systems",
            "- Strategically work across services to improve data reliability and accuracy",
            "- Ensure all available data is being used to inform further development of the VS",
            "- Personal Education Plans (PEP) - key areas to address in 2016/17 include",
            "- To develop a Quality assurance that is not solely dependent on Headteacher signoff.",
            "- To improve the accuracy and detail of Special Educational Needs information and the "
            "attachment of documentation",
            "- Increase capacity within the Virtual School to ensure timely chase up and completion of "
            "PEP's.",
            "Janet identified that 40% of LAC were placed in schools in other local authorities and "
            "explained this was one of the reasons why sufficiency had to remain a key priority. Janet "
            "also identified that SEN support within the VS was a big issue. The Board questioned whether "
            "the issues experienced by LAC were the same issues experienced by all children when looking "
            "at meeting the required educational standards. Janet explained that when looking at GCSE "
            "results, two things were consistent in LAC who gained 5 GCSE's A* - C; consistent primary "
            "school education and attendance at only one High School.",
        ],
        [
            "That;",
            "- (1) the update be received, with thanks to Janet.",
            "- (2) A further update be presented to the Board once the statistical first release data is "
            "available.",
        ],
    ),
    (
        "Corporate Parenting Board Agenda Plan",
        [
            "That the agenda plan for future meetings be noted.",
            "The Board considered its agenda plan for future meetings and noted the change in time and "
            "venue for the next meeting.",
        ],
        ["That the agenda plan for future meetings be noted."],
    ),
    (
        "Dates of Future Meetings",
        ["The Board noted the dates of future meetings of the Board."],
        [
            "That the next meeting of the Board be held on 20 March 2017 at 4.00pm at the Huddersfield "
            "University."
        ],
    ),
    ("Exclusion of the Public", [], []),
    (
        "Missing Children Report",
        [
            "(This report was considered in private because the information contained in it is exempt "
            "information within Paragraph 6 of part 1 to schedule 12A of the Local Government Act 1972 as "
            "amended by the Local Government (access to Information) variation order 2006. The report "
            "contains information relating to the adoption, care, fostering or education of any "
            "particular child. The public interest in maintaining the exemption outweighs the public "
            "interest in disclosure of the information in terms of accountability, transparency and "
            "openness in council decision making.)",
            "Gill Ellis provided the Board with an update on the multi-agency assessments of missing "
            "children and young people in Kirklees.",
        ],
        ["That the content of the report be noted."],
    ),
]

APR = [
    (
        "Introductions and Apologies",
        [
            "Apologies for absence were received on behalf of Councillor Gemma Wilson, Julie Mepham, Head "
            "of Corporate Parenting, Jo-Anne Sanders, Acting Assistant Director for Learning & Skills, "
            "Andrew Carden, Integrated Children's Service Manager, Marion Gray, Learning & Organisational "
            "Development Manager and Rachel Spencer-Henshall, Director of Public Health."
        ],
        [],
    ),
    (
        "Minutes of previous meeting",
        [
            "That the minutes of the meeting held on 20 February 2017 be approved as a correct record "
            "subject to the amendment of Minute 9 from '...and attendance at only one High School.' to "
            "'...and a single social worker.'"
        ],
        [],
    ),
    ("Interests", ["No interests were declared."], []),
    (
        "Admission of the Public",
        [
            "The Panel considered the question of the admission of the public and determined that all "
            "items would be considered in public."
        ],
        [],
    ),
    ("Deputations/Petitions", ["No deputations or petitions were received."], []),
    ("Public Question Time", ["No questions were received."], []),
    (
        "Feedback - Young People Event",
        [
            "The Chair advised that a number of Board Members had attended an informal event at the "
            "University where feedback had been sought from a number of young people.",
            "Everyone in attendance at the event agreed it had been extremely beneficial and that these "
            "informal meetings should continue in order to provide consistent feedback to the young "
            "people on suggestions they raise. It was outlined that honest communication was required "
            "when liaising with young people so as to maintain meaningful feedback sessions whilst not "
            "raising unrealistic expectations.",
            "Board Members outlined that the way in which the outcomes of young people would be improved "
            "as a result of the access to the facilities that will be created through the amended use of "
            "the old registrar's office, needed to be demonstrated clearly. It was explained that a "
            "number of benefits from these facilities will relate directly to the recommendations "
            "contained within the improvement plan.",
            "The Board also agreed that regular informal events with young people should be arranged for "
            "the forthcoming municipal year and that these events should assist to create a consistent "
            "feedback mechanism between the Board and young people.",
        ],
        [
            "That an update on the progress made at the old register office site be considered at a "
            "meeting of the Board in the new municipal year."
        ],
    ),
    (
        "Commissioner's Report - Preparation for Independence",
        [],
        ["That this item be deferred to the first meeting of the Board in the new municipal year."],
    ),
    (
        "Adoption Regionalisation Update",
        [
            "The Board was advised that since 2015, Kirklees has been part of an early adopter scheme "
            "with Local Authorities in the Yorkshire and Humber Adoption Consortium to consider how high "
            "quality adoption services could be offered on a regional or sub-regional basis.",
            "It was explained that this has progressed and between September 2016 and December 2016, "
            "Cabinet approval was given in all 5 West Yorkshire Local Authorities to establish a "
            "sub-regional Adoption Agency, named as One Adoption Agency, with Leeds City Council acting "
            "as the host for this agency.",
            "Anne Coyle, Service Director for Family Support & Child Protection explained that all five "
            "Local Authorities have worked together to ensure that staff in all 5 Local Authorities were "
            "fully consulted; there was engagement with the relevant Unisons; consultation with adopters "
            "and adopted children and young people and discussions regarding IT; Finance, HR matters, "
            "Information Sharing and Performance Data. It was also explained that there had been "
            "engagement with Adoption Matters and Barnardos as representatives of the Voluntary Adoption "
            "Agencies in the region.",
            "It was advised that the One Adoption Agency came into effect and for Kirklees on 1 April "
            "2017 and that this would mean:",
            "- All prospective adopters that reside in the Kirklees area will be assessed, approved and "
            "supported by the One Adoption Agency;",
            "- Adoption Support to adopters, children and birth families will be provided by the One "
            "Adoption Agency;",
            "- Family Finding for all children who have a plan for adoption is being carried out by the "
            "One Adoption Agency;",
            "- Kirklees Children's Services remains responsible for all of the looked after children who "
            "have a plan for adoption until an Adoption Order is made;",
            "- Kirklees Children's Services remains responsible for the performance against the Adoption "
            "Score Card and Ofsted will continue to assess performance against the Score Card.",
            "The Board was advised that there would be a period of transition as staff in the 5 Local "
            "Authorities move to new work bases and whilst they take on a new role and put new practices "
            "in place.",
            "In terms of Kirklees staff, the vast majority were given their first preference in terms of "
            "work base and role and a significant number of Social Workers and Managers from Kirklees had "
            "been retained and were now part of One Adoption, based at Riverbank. It was explained that "
            "there were many benefits to be gained from this, in relation to continuity and working "
            "relationships with staff in Children's Services.",
            "It was highlighted that this was the first sub-regional Adoption Agency to come into place "
            "nationally.",
            "Cllr Marchington questioned how the current adoption panels that include Members would "
            "integrate into the new system. Cllr Hill advised that it was her understanding that "
            "involvement of Members at a local level was to be retained.",
            "The Board outlined that regular updates on the progress made in this area were important to "
            "enable the Board to monitor its effectiveness.",
        ],
        [
            "(1) That the update be received, with thanks to Anne.",
            "(2) A further update be considered by the Board in 3 months' time.",
        ],
    ),
    (
        "Performance Report",
        [
            "The Board considered a report that was tabled at the meeting, which provided an end of year "
            "summary with an overview of all the agreed indicators that monitor the performance relevant "
            "for the Corporate Parenting Board. It was advised that there were 63 indicators in total.",
            "The Board agreed that any questions or issue arising from the performance information within "
            "the report should be considered at the next meeting due to the Board being unable to "
            "consider the detailed information in the report within the time allowed for the item.",
        ],
        [
            "That the content of the report be noted, with thanks to Sue and that a detailed discussion "
            "on the information take place at the next meeting of the Board."
        ],
    ),
    (
        "Fostering Agency Report",
        [
            "Rob Finney, Interim Fostering Team Manager advised the Board that as of the end of March "
            "2017, the council had 683 Looked After Children. It was explained that the fostering service "
            "currently looks after 298 of these children and young people. Of these, 90 were placed with "
            "connected (friends and family) carers and 217 with mainstream (recruited) carers.",
            "It was also advised that 188 young people were placed with external Independent Fostering "
            "Agencies and it was explained that there is an additional cost to placing with external "
            "agencies. Therefore, a successful recruitment and retention strategy was one of the key "
            "development areas for the service in order to significantly increase the number of carers "
            "available to the fostering service.",
            "It was explained that the current fostering development plan is focused on three main areas "
            "of practice:",
            "- Business planning",
            "- Compliance",
            "- Quality Assurance",
            "Rob explained that it was currently taking 9 months to complete the adoption process but "
            "that by reducing the current 2 stage process down to a single stage, it was envisaged that "
            "this timeframe could be reduced to 4 months.",
            "Gill Ellis, Interim Strategic Director for Children & Young People advised that neighbouring "
            "authorities had advised that a reduction in paperwork for foster carers had helped reduce "
            "timescales also.",
            "Rob advised that a good number of enquiries were received but that the current recruitment "
            "strategies were not as effective as they could be. He explained that a response to each "
            "initial enquiry needed to be made within 72 hours and that marketing strategies were "
            "required to be implemented in order to sell the advantages of fostering for the Local "
            "Authority.",
            "Rob also advised that work was ongoing to re-establish a positive working relationship with "
            "the Kirklees Fostering Network and include them within the programme of induction and "
            "training.",
            "Rob advised that a quality assurance framework was in place and that a business plan had "
            "been developed. The aim of the business plan was to add an additional 63 carers to the Local "
            "Authority's team within the next three years. He explained that additional foster carers in "
            "the system would enable expensive residential places appropriately. Anne explained that "
            "transferring residential children to fostering placements is a complex process and that the "
            "Board may benefit from a presentation explaining the process. The Board agreed that it would "
            "be beneficial to receive a presentation that assisted them to understand the operational "
            "processes.",
        ],
        [
            "- (1) That the update be noted, with thanks to Rob.",
            "- (2) A presentation explaining the operational processes relating to the transfer of "
            "placements be arranged for a meeting of the Board in the new municipal year.",
        ],
    ),
    (
        "Corporate Parenting Board Agenda Plan",
        [
            "The Board considered its agenda plan for future meetings and noted the change in time and "
            "venue for the next meeting."
        ],
        ["That the agenda items for the last meeting of the Board be noted and agreed."],
    ),
    (
        "Dates of Future Meetings",
        [
            "The Board noted the date of the last meeting of the Board for the 2016/17 municipal year."
        ],
        [
            "That the next meeting of the Board be held on 15 May 2017 at 10am in Huddersfield Town Hall."
        ],
    ),
]
